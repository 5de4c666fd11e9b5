/**
 * Message templates are data: Mustache text (`.mustache`) for e-mail and SMS bodies, and YAML
 * documents for JSON payloads (Slack Block Kit, Teams Adaptive Cards, webhooks, PagerDuty, SNS)
 * whose string values are Mustache templates. Two keys shape YAML structure:
 *
 * - `$each: path` with `$item: node` inside an array expands to one node per element of `path`
 *   (the element's fields are visible to the node, over the outer view);
 * - `$if: path` (or `$unless: path`) on an object keeps the object only when `path` is truthy
 *   (falsy), and is itself removed;
 * - `{$value: path}` is replaced by the view's value itself (a number, list or object), unescaped:
 *   for JSON payloads whose consumers want types, not text.
 *
 * Templates load from the user's directory first (`templates:` in the configuration), then from
 * the built-in set, as `<channel-type>/<name>.<part>` (for example `email/alert.html`,
 * `slack/alert.yaml`). A template may include another with `{{> email/alert.txt}}`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Mustache from 'mustache';
import YAML from 'yaml';
import { TemplateError } from './errors.js';

/** How values are escaped where they land. */
export type Escape = (value: string) => string;

/** No escaping: plain text and values that end up inside JSON via `JSON.stringify`. */
export const plain: Escape = (v) => v;

/** Slack mrkdwn: `&`, `<` and `>` are the control characters. */
export const slackEscape: Escape = (v) => String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Markdown in Teams cards: break link syntax (`[text](url)`) so finding text cannot plant a
 * disguised link; emphasis is left alone (Teams shows no escape characters).
 */
export const teamsEscape: Escape = (v) => String(v).replace(/\]\s*\(/g, '] (');

const HTML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** HTML text and attribute values: the five characters that matter, so URLs stay readable. */
export const htmlEscape: Escape = (v) => String(v).replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] as string);

const BUILT_IN = new URL('./templates/', import.meta.url);

/** Channel types that share another type's templates unless given their own. */
const SHARED: Record<string, string> = { 'slack-webhook': 'slack' };

/** Finds and caches templates: the user's directory first, then the built-in set. */
export class Templates {
  /** Sources by `<type>/<name>.<part>`; null remembers that neither place has one. */
  private readonly sources = new Map<string, string | null>();
  /** Parsed YAML templates by `<type>/<name>`. */
  private readonly parsed = new Map<string, unknown>();

  constructor(private readonly userDir?: string) {}

  /** The source of `<type>/<name>.<part>`, or undefined when neither place has it. */
  find(type: string, name: string, part: string): string | undefined {
    const rel = `${type}/${name}.${part}`;
    const known = this.sources.get(rel);
    if (known !== undefined) return known ?? undefined;
    const source = this.read(rel) ?? (SHARED[type] === undefined ? undefined : this.find(SHARED[type], name, part));
    this.sources.set(rel, source ?? null);
    return source;
  }

  private read(rel: string): string | undefined {
    const places = [...(this.userDir === undefined ? [] : [join(this.userDir, rel)]), new URL(rel, BUILT_IN)];
    for (const place of places) {
      try {
        return readFileSync(place, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new TemplateError(`cannot read template ${String(place)}: ${(err as Error).message}`, { cause: err });
      }
    }
    return undefined;
  }

  /** The source of `<type>/<name>.<part>`; throws `TemplateError` naming where it looked. */
  get(type: string, name: string, part: string): string {
    const source = this.find(type, name, part);
    if (source === undefined) throw new TemplateError(`no template ${type}/${name}.${part}${this.userDir === undefined ? '' : ` in ${this.userDir} or`} in the built-in set`);
    return source;
  }

  /** Renders a Mustache text template. */
  text(type: string, name: string, part: string, view: object, escape: Escape = plain): string {
    return renderText(this.get(type, name, part), view, escape, `${type}/${name}.${part}`, this.partial);
  }

  /** Renders a YAML structure template into a JSON-ready value (the parsed template is kept; expanding never changes it). */
  structure(type: string, name: string, view: object, escape: Escape): unknown {
    const where = `${type}/${name}.yaml`;
    let doc = this.parsed.get(where);
    if (doc === undefined) {
      const source = this.get(type, name, 'yaml');
      try {
        doc = YAML.parse(source) as unknown;
      } catch (err) {
        throw new TemplateError(`template ${where} is not valid YAML: ${(err as Error).message}`, { cause: err });
      }
      this.parsed.set(where, doc);
    }
    return expand(doc, view, escape, where, this.partial);
  }

  /** Partials are other templates by path: `{{> email/alert.txt}}`. */
  private readonly partial = (path: string): string | undefined => {
    const m = /^([a-z-]+)\/([A-Za-z0-9-]+)\.([a-z]+)$/.exec(path.trim());
    return m === null ? undefined : this.find(m[1] as string, m[2] as string, m[3] as string);
  };
}

type Partials = (name: string) => string | undefined;

function renderText(source: string, view: object, escape: Escape, where: string, partials: Partials): string {
  try {
    return Mustache.render(source, view, partials, { escape });
  } catch (err) {
    throw new TemplateError(`template ${where} does not render: ${(err as Error).message}`, { cause: err });
  }
}

/** The value at a dotted `path` of `view` (prototype chain included, as Mustache looks up). */
function lookup(view: object, path: string): unknown {
  let at: unknown = view;
  for (const key of path.split('.')) {
    if (at === null || typeof at !== 'object' || !(key in at)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}

function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}

/** A view with `item`'s fields over `outer`'s, like a Mustache section. */
function scoped(outer: object, item: unknown): object {
  const inner = Object.create(outer) as Record<string, unknown>;
  if (item !== null && typeof item === 'object') Object.assign(inner, item);
  else inner['.'] = item;
  return inner;
}

const DROP = Symbol('drop');

function expand(node: unknown, view: object, escape: Escape, where: string, partials: Partials): unknown {
  if (typeof node === 'string') return renderText(node, view, escape, where, partials);
  if (Array.isArray(node)) {
    const out: unknown[] = [];
    for (const child of node) {
      if (child !== null && typeof child === 'object' && !Array.isArray(child) && '$each' in child) {
        const spec = child as { $each: unknown; $item?: unknown };
        if (typeof spec.$each !== 'string' || spec.$item === undefined) throw new TemplateError(`template ${where}: "$each" needs a path and an "$item"`);
        const list = lookup(view, spec.$each);
        if (!Array.isArray(list)) continue;
        for (const item of list) {
          const v = expand(spec.$item, scoped(view, item), escape, where, partials);
          if (v !== DROP) out.push(v);
        }
      } else {
        const v = expand(child, view, escape, where, partials);
        if (v !== DROP) out.push(v);
      }
    }
    return out;
  }
  if (node !== null && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    if (typeof obj.$value === 'string') return structuredClone(lookup(view, obj.$value) ?? null);
    if (typeof obj.$if === 'string' && !truthy(lookup(view, obj.$if))) return DROP;
    if (typeof obj.$unless === 'string' && truthy(lookup(view, obj.$unless))) return DROP;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) {
      if (key === '$if' || key === '$unless') continue;
      const v = expand(value, view, escape, where, partials);
      if (v !== DROP) out[key] = v;
    }
    return out;
  }
  return node;
}
