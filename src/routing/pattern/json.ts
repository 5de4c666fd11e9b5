/**
 * A small JSON reader for event patterns. Unlike `JSON.parse` it keeps what the pattern
 * compiler needs to behave like EventBridge: the source text of every number (AWS compares a
 * number's text as well as its value), repeated keys in order (they merge, as in AWS), and the
 * line and column of every value, so errors point at the offending key.
 */
import { PatternError, type TextPosition } from '../errors.js';

/** A parsed JSON value with its position. */
export type PNode =
  | { kind: 'object'; entries: { key: string; value: PNode }[]; pos?: TextPosition }
  | { kind: 'array'; items: PNode[]; pos?: TextPosition }
  | { kind: 'string'; value: string; pos?: TextPosition }
  | { kind: 'number'; text: string; pos?: TextPosition }
  | { kind: 'boolean'; value: boolean; pos?: TextPosition }
  | { kind: 'null'; pos?: TextPosition };

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const MAX_DEPTH = 256;

/** Parses pattern text; throws `PatternError` naming the line and column of a syntax error. */
export function parsePatternText(text: string): PNode {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (): TextPosition => ({ line, column: i - lineStart + 1 });
  const fail = (what: string): never => {
    throw new PatternError(what, [], pos());
  };
  const space = (): void => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line += 1;
        lineStart = i + 1;
      } else if (c !== 32 && c !== 9 && c !== 13) {
        return;
      }
      i += 1;
    }
  };
  const str = (): string => {
    const start = i;
    i += 1;
    let out = '';
    let from = i;
    for (;;) {
      if (i >= text.length) {
        i = start;
        return fail('Unexpected end of input in a string');
      }
      const c = text.charCodeAt(i);
      if (c === 34) break;
      if (c < 32) return fail('Illegal unquoted character in a string');
      if (c === 92) {
        out += text.slice(from, i);
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else {
          return fail('Unrecognized character escape in a string');
        }
        from = i;
      } else {
        i += 1;
      }
    }
    out += text.slice(from, i);
    i += 1;
    return out;
  };
  const value = (depth: number): PNode => {
    if (depth > MAX_DEPTH) return fail(`Nesting deeper than ${MAX_DEPTH} levels`);
    space();
    const at = pos();
    const c = text[i];
    if (c === '{') {
      i += 1;
      const entries: { key: string; value: PNode }[] = [];
      space();
      if (text[i] === '}') {
        i += 1;
        return { kind: 'object', entries, pos: at };
      }
      for (;;) {
        space();
        if (text[i] !== '"') return fail('Expected a double-quoted field name');
        const key = str();
        space();
        if (text[i] !== ':') return fail(`Expected ':' after field name "${key}"`);
        i += 1;
        entries.push({ key, value: value(depth + 1) });
        space();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === '}') {
          i += 1;
          return { kind: 'object', entries, pos: at };
        }
        return fail("Expected ',' or '}' in an object");
      }
    }
    if (c === '[') {
      i += 1;
      const items: PNode[] = [];
      space();
      if (text[i] === ']') {
        i += 1;
        return { kind: 'array', items, pos: at };
      }
      for (;;) {
        items.push(value(depth + 1));
        space();
        if (text[i] === ',') {
          i += 1;
          continue;
        }
        if (text[i] === ']') {
          i += 1;
          return { kind: 'array', items, pos: at };
        }
        return fail("Expected ',' or ']' in an array");
      }
    }
    if (c === '"') return { kind: 'string', value: str(), pos: at };
    for (const [word, node] of [['true', { kind: 'boolean', value: true }], ['false', { kind: 'boolean', value: false }], ['null', { kind: 'null' }]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return { ...node, pos: at };
      }
    }
    NUMBER.lastIndex = i;
    const m = NUMBER.exec(text);
    if (m !== null) {
      i += m[0].length;
      return { kind: 'number', text: m[0], pos: at };
    }
    return fail(i >= text.length ? 'Unexpected end of input' : `Unexpected character '${text[i] ?? ''}'`);
  };
  const root = value(0);
  space();
  if (i < text.length) fail('Unexpected text after the pattern');
  return root;
}

/** The same tree for a value that is already parsed (a pattern written as YAML in `firebreak.yaml`). */
export function patternNodeOf(v: unknown, depth = 0): PNode {
  if (depth > MAX_DEPTH) throw new PatternError(`Nesting deeper than ${MAX_DEPTH} levels`, []);
  if (v === null) return { kind: 'null' };
  if (Array.isArray(v)) return { kind: 'array', items: v.map((x) => patternNodeOf(x, depth + 1)) };
  switch (typeof v) {
    case 'string':
      return { kind: 'string', value: v };
    case 'number':
      if (!Number.isFinite(v)) throw new PatternError('Match value must be String, number, true, false, or null', []);
      return { kind: 'number', text: String(v) };
    case 'boolean':
      return { kind: 'boolean', value: v };
    case 'object':
      return { kind: 'object', entries: Object.entries(v as Record<string, unknown>).map(([key, value]) => ({ key, value: patternNodeOf(value, depth + 1) })) };
    default:
      throw new PatternError('Match value must be String, number, true, false, or null', []);
  }
}
