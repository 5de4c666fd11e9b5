/**
 * Compiles an EventBridge event pattern into sub-rules: each a list of fields, each field a
 * path and the matchers of its value array. `$or` forks sub-rules the way AWS does; a pattern
 * matches when any sub-rule does, a sub-rule when every field does, a field when any matcher
 * does. Invalid patterns are refused with AWS's reason and the key it concerns.
 */
import { PatternError } from '../errors.js';
import { type PNode, parsePatternText, patternNodeOf } from './json.js';
import type { Matcher } from './matchers.js';
import { cidrRange, foldCase, ipHex, microsOfText, wildcardGlob } from './values.js';

/** One field of a sub-rule: where it is and what its value may be. */
export interface FieldRule {
  /** The keys leading to the field. */
  path: readonly string[];
  /** `path` joined with NUL: the field's identity inside the engine. */
  key: string;
  matchers: readonly Matcher[];
}

/** A compiled pattern: it matches an event when one of its sub-rules does. */
export interface CompiledPattern {
  subrules: readonly (readonly FieldRule[])[];
}

/** Keys that cannot be field names inside `$or`, because they are operators. */
const RESERVED_IN_OR = new Set(['anything-but', 'exists', 'numeric', 'prefix', 'suffix', 'cidr', 'equals-ignore-case', 'wildcard', 'exactly']);

type Rules = Map<string, FieldRule>[];

const KEY_SEPARATOR = '\u0000';

/**
 * Compiles pattern text (JSON) or an already-parsed value. Throws `PatternError`.
 */
export function compilePattern(input: string | unknown): CompiledPattern {
  return compilePatternNode(typeof input === 'string' ? parsePatternText(input) : patternNodeOf(input));
}

/** Compiles a pattern already read by `parsePatternText` (positions are those of its text). */
export function compilePatternNode(root: PNode): CompiledPattern {
  if (root.kind !== 'object') throw new PatternError('Filter is not an object', [], root.pos);
  const rules: Rules = [];
  parseObject(rules, [], root, false);
  return { subrules: rules.map((r) => [...r.values()]) };
}

function fail(reason: string, path: readonly string[], node: PNode): never {
  throw new PatternError(reason, path, node.pos);
}

function parseObject(rules: Rules, path: string[], node: Extract<PNode, { kind: 'object' }>, inOr: boolean): void {
  if (node.entries.length === 0) fail('Empty objects are not allowed', path, node);
  for (const { key, value } of node.entries) {
    if (key === '$or') {
      parseOr(rules, path, value);
      continue;
    }
    const here = [...path, key];
    if (inOr && RESERVED_IN_OR.has(key)) fail(`${key} is Ruler reserved fieldName which cannot be used inside $or.`, here, value);
    if (value.kind === 'object') parseObject(rules, here, value, inOr);
    else if (value.kind === 'array') writeField(rules, here, value);
    else fail(`"${key}" must be an object or an array`, here, value);
  }
}

function parseOr(rules: Rules, path: string[], node: PNode): void {
  const here = [...path, '$or'];
  if (node.kind !== 'array') fail('It must be an Array followed with $or.', here, node);
  const current = rules.map((r) => new Map(r));
  rules.length = 0;
  for (const item of node.items) {
    if (item.kind !== 'object') fail('Only JSON object is allowed in array of $or relationship.', here, item);
    const branch = current.length === 0 ? [new Map<string, FieldRule>()] : current.map((r) => new Map(r));
    parseObject(branch, path, item, true);
    rules.push(...branch);
  }
  if (node.items.length < 2) fail('There must have at least 2 Objects in $or relationship.', here, node);
}

function writeField(rules: Rules, path: string[], node: Extract<PNode, { kind: 'array' }>): void {
  const matchers: Matcher[] = [];
  for (const item of node.items) {
    switch (item.kind) {
      case 'object':
        matchers.push(matchExpression(path, item));
        break;
      case 'string': {
        const ip = ipHex(item.value);
        matchers.push(ip === undefined ? { t: 'exact', rep: `"${item.value}"` } : { t: 'ip', lo: ip, hi: ip });
        break;
      }
      case 'number':
        // AWS matches a listed number by value where it can (3.0e2 matches 300) and by its text.
        try {
          matchers.push({ t: 'numeq', v: microsOfText(item.text) });
        } catch {
          // A number outside the comparable range (an account id, say) still matches by text.
        }
        matchers.push({ t: 'exact', rep: item.text });
        break;
      case 'boolean':
      case 'null':
        matchers.push({ t: 'exact', rep: item.kind === 'null' ? 'null' : String(item.value) });
        break;
      case 'array':
        fail('Match value must be String, number, true, false, or null', path, item);
    }
  }
  if (matchers.length === 0) fail('Empty arrays are not allowed', path, node);
  if (rules.length === 0) rules.push(new Map());
  const key = path.join(KEY_SEPARATOR);
  for (const rule of rules) rule.set(key, { path, key, matchers });
}

type PObject = Extract<PNode, { kind: 'object' }>;

/** The single `{"operator": value}` of a match expression, refusing extra keys. */
function single(path: string[], node: PObject): { op: string; arg: PNode } {
  const first = node.entries[0];
  if (first === undefined) fail('Match expression name not found', path, node);
  return { op: first.key, arg: first.value };
}

function onlyOne(path: string[], node: PObject, message = 'Only one key allowed in match expression'): void {
  if (node.entries.length > 1) fail(message, path, node.entries[1]?.value ?? node);
}

function stringArg(path: string[], arg: PNode, what: string): string {
  if (arg.kind !== 'string') fail(`${what} match pattern must be a string`, path, arg);
  return arg.value;
}

function guard<T>(path: string[], node: PNode, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PatternError) throw err;
    return fail((err as Error).message, path, node);
  }
}

function matchExpression(path: string[], node: PObject): Matcher {
  const { op, arg } = single(path, node);
  switch (op) {
    case 'exactly':
      onlyOne(path, node);
      return { t: 'exact', rep: `"${stringArg(path, arg, 'exact')}"` };
    case 'prefix':
    case 'suffix': {
      if (arg.kind === 'object') {
        onlyOne(path, node);
        const inner = single(path, arg);
        if (inner.op !== 'equals-ignore-case') fail(`Unsupported ${op} pattern: ${inner.op}`, path, arg);
        const text = stringArg(path, inner.arg, 'equals-ignore-case');
        onlyOne(path, arg);
        return op === 'prefix' ? { t: 'prefix-ic', s: foldCase(`"${text}`) } : { t: 'suffix-ic', s: foldCase(`${text}"`) };
      }
      const text = stringArg(path, arg, op);
      onlyOne(path, node);
      return op === 'prefix' ? { t: 'prefix', s: `"${text}` } : { t: 'suffix', s: `${text}"` };
    }
    case 'equals-ignore-case': {
      const text = stringArg(path, arg, 'equals-ignore-case');
      onlyOne(path, node);
      return { t: 'eic', s: foldCase(`"${text}"`) };
    }
    case 'wildcard': {
      const text = stringArg(path, arg, 'wildcard');
      const glob = guard(path, arg, () => wildcardGlob(text));
      onlyOne(path, node);
      return { t: 'wildcard', src: text, glob };
    }
    case 'cidr': {
      const text = stringArg(path, arg, 'prefix');
      const { lo, hi } = guard(path, arg, () => cidrRange(text));
      onlyOne(path, node);
      return { t: 'ip', lo, hi };
    }
    case 'exists':
      if (arg.kind !== 'boolean') fail('exists match pattern must be either true or false.', path, arg);
      onlyOne(path, node);
      return { t: 'exists', v: arg.value };
    case 'numeric':
      if (arg.kind !== 'array') fail('Value of numeric must be an array.', path, arg);
      onlyOne(path, node, 'Too many elements in numeric expression');
      return numeric(path, arg);
    case 'anything-but':
      onlyOne(path, node, 'Too many elements in numeric expression');
      return anythingBut(path, arg);
    default:
      return fail(`Unrecognized match type ${op}`, path, node);
  }
}

function numeric(path: string[], node: Extract<PNode, { kind: 'array' }>): Matcher {
  const items = node.items;
  const num = (i: number, op: string): number => {
    const n = items[i];
    if (n?.kind !== 'number') return fail(`Value of ${op} must be numeric`, path, n ?? node);
    return guard(path, n, () => microsOfText(n.text));
  };
  const first = items[0];
  if (first?.kind !== 'string') return fail(`Invalid member in numeric match: ${first === undefined ? ']' : describe(first)}`, path, first ?? node);
  const op = first.value;
  if (op === '=' || op === '<=' || op === '<') {
    const v = num(1, op);
    if (items.length > 2) fail('Too many elements in numeric expression', path, items[2] ?? node);
    if (op === '=') return { t: 'numeq', v };
    return { t: 'range', lo: null, loOpen: false, hi: v, hiOpen: op === '<' };
  }
  if (op !== '>' && op !== '>=') return fail(`Unrecognized numeric range operator: ${op}`, path, first);
  const lo = num(1, op);
  if (items.length === 2) return { t: 'range', lo, loOpen: op === '>', hi: null, hiOpen: false };
  const second = items[2];
  if (second?.kind !== 'string') return fail(`Bad value in numeric range: ${second === undefined ? ']' : describe(second)}`, path, second ?? node);
  if (second.value !== '<' && second.value !== '<=') return fail(`Bad numeric range operator: ${second.value}`, path, second);
  const hi = num(3, second.value);
  if (items.length > 4) fail('Too many terms in numeric range expression', path, items[4] ?? node);
  if (lo >= hi) fail('Bottom must be less than top', path, node);
  return { t: 'range', lo, loOpen: op === '>', hi, hiOpen: second.value === '<' };
}

function describe(n: PNode): string {
  switch (n.kind) {
    case 'string':
      return n.value;
    case 'number':
      return n.text;
    case 'boolean':
      return String(n.value);
    case 'null':
      return 'null';
    case 'array':
      return '[';
    case 'object':
      return '{';
  }
}

function anythingBut(path: string[], arg: PNode): Matcher {
  if (arg.kind === 'object') {
    const { op, arg: inner } = single(path, arg);
    if (!['equals-ignore-case', 'prefix', 'suffix', 'wildcard'].includes(op)) fail(`Unsupported anything-but pattern: ${op}`, path, arg);
    onlyOne(path, arg, 'Too many elements in numeric expression');
    const values = inner.kind === 'array' ? inner.items : [inner];
    if (inner.kind !== 'array' && inner.kind !== 'string' && inner.kind !== 'number') fail('Value of anything-but must be an array or single string/number value.', path, inner);
    const texts = values.map((v) => {
      if (v.kind === 'string') {
        if ((op === 'prefix' || op === 'suffix') && v.value === '') fail('Null prefix/suffix not allowed', path, v);
        return v.value;
      }
      if (op === 'equals-ignore-case') return fail('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.', path, v);
      if (op === 'wildcard') return fail('wildcard match pattern must be a string', path, v);
      return fail('prefix/suffix match pattern must be a string', path, v);
    });
    switch (op) {
      case 'equals-ignore-case':
        return { t: 'ab-ic', set: new Set(texts.map((s) => foldCase(`"${s}"`))) };
      case 'prefix':
        return { t: 'ab-prefix', list: texts.map((s) => `"${s}`) };
      case 'suffix':
        return { t: 'ab-suffix', list: texts.map((s) => `${s}"`) };
      default:
        return { t: 'ab-wildcard', src: texts, globs: texts.map((s) => guard(path, inner, () => wildcardGlob(s))) };
    }
  }
  if (arg.kind === 'string') return { t: 'ab', numeric: false, reps: new Set([`"${arg.value}"`]), nums: new Set() };
  if (arg.kind === 'number') return { t: 'ab', numeric: true, reps: new Set(), nums: new Set([guard(path, arg, () => microsOfText(arg.text))]) };
  if (arg.kind !== 'array') return fail('Value of anything-but must be an array or single string/number value.', path, arg);
  const reps = new Set<string>();
  const nums = new Set<number>();
  for (const v of arg.items) {
    if (v.kind === 'string') reps.add(`"${v.value}"`);
    else if (v.kind === 'number') nums.add(guard(path, v, () => microsOfText(v.text)));
    else fail('Inside anything but list, start|null|boolean is not supported.', path, v);
  }
  if ((reps.size > 0) === (nums.size > 0)) fail('Inside anything but list, either all values are number or string, mixed type is not supported', path, arg);
  return { t: 'ab', numeric: nums.size > 0, reps, nums };
}
