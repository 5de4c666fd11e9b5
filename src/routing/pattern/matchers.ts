/**
 * The value matchers of the EventBridge pattern language and how one event value is tested.
 *
 * Like EventBridge, string matchers look at a value's JSON text: a string `abc` is `"abc"`
 * with its quotes, a number is its digits, `true`, `false` and `null` are those words. That is
 * why `prefix` never matches a number while `anything-but` does.
 */
import type { Glob } from '../../util/glob.js';
import { foldCase, ipHex, microsOfNumber } from './values.js';

/** One value matcher of a pattern field. */
export type Matcher =
  | { t: 'exact'; rep: string }
  | { t: 'numeq'; v: number }
  | { t: 'ip'; lo: string; hi: string }
  | { t: 'prefix'; s: string }
  | { t: 'suffix'; s: string }
  | { t: 'prefix-ic'; s: string }
  | { t: 'suffix-ic'; s: string }
  | { t: 'eic'; s: string }
  | { t: 'wildcard'; src: string; glob: Glob }
  | { t: 'range'; lo: number | null; loOpen: boolean; hi: number | null; hiOpen: boolean }
  | { t: 'exists'; v: boolean }
  | { t: 'ab'; numeric: boolean; reps: ReadonlySet<string>; nums: ReadonlySet<number> }
  | { t: 'ab-ic'; set: ReadonlySet<string> }
  | { t: 'ab-prefix'; list: readonly string[] }
  | { t: 'ab-suffix'; list: readonly string[] }
  | { t: 'ab-wildcard'; src: readonly string[]; globs: readonly Glob[] };

/** Where a value sits in the event's arrays: which element of which array, innermost first. */
export interface Trail {
  arr: readonly unknown[];
  i: number;
  up: Trail | null;
}

/** One leaf value of an event at some path. */
export interface Leaf {
  /** The value's JSON text as EventBridge compares it (strings with their quotes). */
  rep: string;
  /** The value in millionths when it is a JSON number EventBridge can compare numerically. */
  num: number | undefined;
  isString: boolean;
  trail: Trail | null;
  folded?: string;
  ip?: string | null;
}

/** A leaf for a JSON scalar. */
export function leafOf(v: string | number | boolean | null, trail: Trail | null): Leaf {
  if (typeof v === 'string') return { rep: `"${v}"`, num: undefined, isString: true, trail };
  if (typeof v === 'number') {
    return { rep: String(v), num: microsOfNumber(v), isString: false, trail };
  }
  return { rep: String(v), num: undefined, isString: false, trail };
}

/** The leaf's text with case folded, computed once. */
export function folded(leaf: Leaf): string {
  if (leaf.folded === undefined) leaf.folded = foldCase(leaf.rep);
  return leaf.folded;
}

/** The leaf as an IP address in hex, or null. */
export function leafIp(leaf: Leaf): string | null {
  if (leaf.ip === undefined) leaf.ip = leaf.isString ? (ipHex(leaf.rep.slice(1, -1)) ?? null) : null;
  return leaf.ip;
}

/** Whether `leaf` satisfies `m`. `exists: false` is satisfied by absence, never by a value. */
export function test(m: Matcher, leaf: Leaf): boolean {
  switch (m.t) {
    case 'exact':
      return leaf.rep === m.rep;
    case 'numeq':
      return leaf.num === m.v;
    case 'ip': {
      const ip = leafIp(leaf);
      return ip !== null && ip.length === m.lo.length && ip >= m.lo && ip <= m.hi;
    }
    case 'prefix':
      return leaf.rep.startsWith(m.s);
    case 'suffix':
      return leaf.rep.endsWith(m.s);
    case 'prefix-ic':
      return folded(leaf).startsWith(m.s);
    case 'suffix-ic':
      return folded(leaf).endsWith(m.s);
    case 'eic':
      return folded(leaf) === m.s;
    case 'wildcard':
      return m.glob.test(leaf.rep);
    case 'range': {
      const n = leaf.num;
      if (n === undefined) return false;
      if (m.lo !== null && (m.loOpen ? n <= m.lo : n < m.lo)) return false;
      return !(m.hi !== null && (m.hiOpen ? n >= m.hi : n > m.hi));
    }
    case 'exists':
      return m.v;
    case 'ab':
      return m.numeric ? !(leaf.num !== undefined && m.nums.has(leaf.num)) : !m.reps.has(leaf.rep);
    case 'ab-ic':
      return !m.set.has(folded(leaf));
    case 'ab-prefix':
      return !m.list.some((p) => leaf.rep.startsWith(p));
    case 'ab-suffix':
      return !m.list.some((s) => leaf.rep.endsWith(s));
    case 'ab-wildcard':
      return !m.globs.some((g) => g.test(leaf.rep));
  }
}

/** A stable text for a matcher, so equal matchers of different routes are evaluated once. */
export function matcherKey(m: Matcher): string {
  switch (m.t) {
    case 'exact':
      return `exact:${m.rep}`;
    case 'numeq':
      return `numeq:${m.v}`;
    case 'ip':
      return `ip:${m.lo}-${m.hi}`;
    case 'prefix':
    case 'suffix':
    case 'prefix-ic':
    case 'suffix-ic':
    case 'eic':
      return `${m.t}:${m.s}`;
    case 'wildcard':
      return `wildcard:${m.src}`;
    case 'range':
      return `range:${m.loOpen ? '(' : '['}${m.lo ?? '-inf'},${m.hi ?? 'inf'}${m.hiOpen ? ')' : ']'}`;
    case 'exists':
      return `exists:${m.v}`;
    case 'ab':
      return `ab:${m.numeric ? [...m.nums].sort((a, b) => a - b).join(',') : JSON.stringify([...m.reps].sort())}`;
    case 'ab-ic':
      return `ab-ic:${JSON.stringify([...m.set].sort())}`;
    case 'ab-prefix':
    case 'ab-suffix':
      return `${m.t}:${JSON.stringify([...m.list].sort())}`;
    case 'ab-wildcard':
      return `ab-wildcard:${JSON.stringify([...m.src].sort())}`;
  }
}
