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

/** Tries every combination; kept for sub-rules with more fields than `choose` takes as bits. */
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

/** An element of an array on the way to some matched leaf (or the event itself, at the root). */
interface ElementNode {
  /** Fields with a matched leaf right in this element, below no further array. */
  bits: number;
  /** The field sets of the array this element belongs to (undefined for the event itself). */
  into: Set<number> | undefined;
  /** Per array inside this element: the field sets its elements can supply, one element each. */
  arrays: Map<readonly unknown[], { elements: Map<number, number>; sets: Set<number> }>;
}

const MAX_CHOICE_FIELDS = 12;

/**
 * Whether one leaf per field can be chosen with no array holding two chosen leaves in different
 * elements. The matched leaves' array positions form a tree; bottom-up, each element gets the sets
 * of fields it can supply (its own leaves, plus one set from each array inside it) and each array
 * the union of its elements'. Time grows with the total depth of the leaves, not with their
 * pairs: 20,000 tag keys against 20,000 tag values is one pass.
 */
function choose(hits: readonly Leaf[][]): boolean {
  if (hits.length > MAX_CHOICE_FIELDS) return assign(hits, 0, []);
  const full = (1 << hits.length) - 1;
  const nodes: ElementNode[] = [{ bits: 0, into: undefined, arrays: new Map() }];
  const chain: Trail[] = [];
  for (let f = 0; f < hits.length; f += 1) {
    for (const leaf of hits[f] as Leaf[]) {
      chain.length = 0;
      for (let t = leaf.trail; t !== null; t = t.up) chain.push(t);
      let at = 0;
      for (let j = chain.length - 1; j >= 0; j -= 1) {
        const t = chain[j] as Trail;
        const node = nodes[at] as ElementNode;
        let array = node.arrays.get(t.arr);
        if (array === undefined) {
          array = { elements: new Map(), sets: new Set() };
          node.arrays.set(t.arr, array);
        }
        let child = array.elements.get(t.i);
        if (child === undefined) {
          child = nodes.push({ bits: 0, into: array.sets, arrays: new Map() }) - 1;
          array.elements.set(t.i, child);
        }
        at = child;
      }
      (nodes[at] as ElementNode).bits |= 1 << f;
    }
  }
  // A child always comes after its parent, so walking backwards finishes every child first.
  for (let n = nodes.length - 1; n >= 0; n -= 1) {
    const node = nodes[n] as ElementNode;
    let sets = new Set<number>([node.bits]);
    for (const { sets: options } of node.arrays.values()) {
      const next = new Set<number>(sets);
      for (const a of sets) for (const b of options) next.add(a | b);
      sets = next;
    }
    if (sets.has(full)) return true;
    if (node.into !== undefined) for (const m of sets) node.into.add(m);
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
  return !arrays || hits.length < 2 || choose(hits);
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
