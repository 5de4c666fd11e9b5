/**
 * Loads a YAML configuration file and validates it with a zod schema. Every error names the file,
 * line and column and the key path, so a user can go straight to the mistake. String values may
 * use `${NAME}` to take a secret from the environment rather than writing it into the file.
 */
import { readFileSync } from 'node:fs';
import YAML, { isMap, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from './errors.js';

/** Position of `offset` as `line:column`, both 1-based. */
function at(counter: LineCounter, offset: number | undefined): string {
  if (offset === undefined) return '1:1';
  const pos = counter.linePos(offset);
  return `${pos.line}:${pos.col}`;
}

/** The deepest node of `doc` along `path` (the parent when the key itself is missing). */
function nodeAt(doc: YAML.Document, path: readonly PropertyKey[], atKey = false): Node | undefined {
  let node: unknown = doc.contents;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === key);
      if (pair === undefined) return node;
      node = (atKey && i === path.length - 1 ? pair.key : pair.value) ?? pair.key;
    } else if (isSeq(node) && typeof key === 'number') {
      const item = node.items[key];
      if (item === undefined) return node;
      node = item;
    } else {
      break;
    }
  }
  return node as Node | undefined;
}

function describePath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('');
}

/** Replaces `${NAME}` in every string scalar by the environment variable's value. */
function interpolate(doc: YAML.Document, file: string, counter: LineCounter, env: NodeJS.ProcessEnv): void {
  YAML.visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('${')) return;
      node.value = node.value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
        const value = env[name];
        if (value === undefined) throw new ConfigError(`${file}:${at(counter, node.range?.[0])}: environment variable ${name} is not set`);
        return value;
      });
    },
  });
}

/**
 * Reads `file`, interpolates `${NAME}` from `env`, and validates it with `schema`; throws
 * `ConfigError` listing every problem with its `file:line:column`.
 */
export function loadYamlConfig<T>(file: string, schema: z.ZodType<T>, env: NodeJS.ProcessEnv = process.env): T {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration: ${(err as Error).message}`, { cause: err });
  }
  return parseYamlConfig(source, file, schema, env);
}

/** Like `loadYamlConfig` for text already read; `file` only names it in errors. */
export function parseYamlConfig<T>(source: string, file: string, schema: z.ZodType<T>, env: NodeJS.ProcessEnv = process.env): T {
  const counter = new LineCounter();
  const doc = YAML.parseDocument(source, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const lines = doc.errors.slice(0, 10).map((e) => `${file}:${at(counter, e.pos[0])}: ${e.message.split('\n')[0] ?? e.code}`);
    throw new ConfigError(lines.join('\n'));
  }
  interpolate(doc, file, counter, env);
  const parsed = schema.safeParse(doc.toJS() ?? {});
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.slice(0, 10).map((issue) => {
    // An unknown key is pointed at itself; a missing one at the map that lacks it.
    const unknown = issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined;
    const node = unknown === undefined ? nodeAt(doc, issue.path) : nodeAt(doc, [...issue.path, unknown], true);
    const message = issue.code === 'invalid_type' && issue.message.endsWith('received undefined') ? `required, ${issue.message.replace(/^Invalid input: /, '').replace(/, received undefined$/, '')}` : issue.message;
    return `${file}:${at(counter, node?.range?.[0])}: ${describePath(issue.path)}: ${message}`;
  });
  if (parsed.error.issues.length > 10) lines.push(`...and ${parsed.error.issues.length - 10} more`);
  throw new ConfigError(lines.join('\n'));
}
