/**
 * Matching one compiled pattern against one event, as EventBridge does: arrays in the event
 * match when any element does, and fields inside objects of one array must come from the same
 * element (AWS's "array-consistent" matching).
 */
import type { CompiledPattern, FieldRule } from './compile.js';
import { type Leaf, type Trail, leafOf, test } from './matchers.js';

/** The leaf values of `event` at `path`, looking through arrays at any level. */
export function leavesAt(event: unknown, path: readonly string[]): Leaf[] {
  const out: Leaf[] = [];
  const stack: { v: unknown; depth: number; trail: Trail | null }[] = [{ v: event, depth: 0, trail: null }];
  while (stack.length > 0) {
    const { v, depth, trail } = stack.pop() as { v: unknown; depth: number; trail: Trail | null };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i -= 1) stack.push({ v: v[i], depth, trail: { arr: v, i, up: trail } });
    } else if (depth === path.length) {
      if (v === null || typeof v !== 'object') out.push(leafOf(v as string | number | boolean | null, trail));
    } else if (v !== null && typeof v === 'object') {
      const key = path[depth] as string;
      if (Object.hasOwn(v, key)) stack.push({ v: (v as Record<string, unknown>)[key], depth: depth + 1, trail });
    }
  }
  return out;
}

/** Whether two leaves could sit in one object: no array holds them in different elements. */
export function consistent(a: Trail | null, b: Trail | null): boolean {
  for (let x = a; x !== null; x = x.up) {
    for (let y = b; y !== null; y = y.up) if (x.arr === y.arr && x.i !== y.i) return false;
  }
  return true;
}

function assign(hits: readonly Leaf[][], k: number, chosen: Leaf[]): boolean {
  if (k === hits.length) return true;
  for (const leaf of hits[k] as Leaf[]) {
    if (chosen.every((c) => consistent(c.trail, leaf.trail))) {
      chosen.push(leaf);
      if (assign(hits, k + 1, chosen)) return true;
      chosen.pop();
    }
  }
  return false;
}

/** Whether one sub-rule matches, given the leaves of each of its fields. */
export function subruleMatches(sub: readonly FieldRule[], leavesOf: (field: FieldRule) => readonly Leaf[]): boolean {
  const hits: Leaf[][] = [];
  let arrays = false;
  for (const field of sub) {
    const leaves = leavesOf(field);
    const matched = leaves.filter((leaf) => field.matchers.some((m) => test(m, leaf)));
    if (matched.length > 0) {
      hits.push(matched);
      if (matched.some((l) => l.trail !== null)) arrays = true;
    } else if (leaves.length > 0 || !field.matchers.some((m) => m.t === 'exists' && !m.v)) {
      return false;
    }
  }
  return !arrays || hits.length < 2 || assign(hits, 0, []);
}

/** Whether `pattern` matches `event` (a parsed JSON object). */
export function matchesPattern(pattern: CompiledPattern, event: unknown): boolean {
  const cache = new Map<string, Leaf[]>();
  const leavesOf = (field: FieldRule): Leaf[] => {
    let leaves = cache.get(field.key);
    if (leaves === undefined) {
      leaves = leavesAt(event, field.path);
      cache.set(field.key, leaves);
    }
    return leaves;
  };
  return pattern.subrules.some((sub) => subruleMatches(sub, leavesOf));
}
