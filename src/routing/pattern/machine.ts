/**
 * Many patterns against one event in one pass. The patterns' fields are merged into one index:
 * the event is walked once along the paths some pattern names, each value is looked up once
 * (a hash lookup for exact values and numbers, one lookup per distinct length for prefixes and
 * suffixes, a test for the rest), and a matcher shared by many routes is evaluated once. Each
 * satisfied matcher counts towards the sub-rules that use it; a sub-rule whose fields are all
 * satisfied matches. Only when the values came from arrays is the match re-checked with the
 * exact array-consistent rule, and then only for that sub-rule.
 */
import type { CompiledPattern, FieldRule } from './compile.js';
import { leavesAt, subruleMatches } from './evaluate.js';
import { type Leaf, type Matcher, type Trail, leafOf, matcherKey, test } from './matchers.js';

/** Up to this many sub-rules, patterns are tested one by one (see `matchDirect`). */
const DIRECT_LIMIT = 4;

/** Order of testing a field in `matchDirect`: exact values are cheap and selective; absence is tested last. */
function cost(field: FieldRule): number {
  if (field.matchers.every((m) => m.t === 'exact' || m.t === 'numeq')) return 0;
  if (field.matchers.some((m) => m.t === 'exists' && !m.v)) return 2;
  return 1;
}

interface FieldIndex {
  exact: Map<string, number[]>;
  numeq: Map<number, number[]>;
  prefixes: Map<number, Map<string, number[]>>;
  suffixes: Map<number, Map<string, number[]>>;
  scan: { m: Matcher; pred: number }[];
  existsTrue: number[];
  existsFalse: number[];
}

interface PathNode {
  key: string;
  children: Map<string, PathNode>;
  index: FieldIndex | undefined;
}

function push<K>(map: Map<K, number[]>, key: K, pred: number): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [pred]);
  else list.push(pred);
}

/** A set of named patterns compiled into one matcher. */
export class PatternMachine<T> {
  private readonly names: T[] = [];
  private readonly subs: { rule: number; fields: readonly FieldRule[] }[] = [];
  private readonly predSlots: number[][] = [];
  private readonly slotSub: number[] = [];
  private readonly root: PathNode = { key: '', children: new Map(), index: undefined };
  private readonly fields: { key: string; index: FieldIndex }[] = [];
  private readonly predIds = new Map<string, number>();
  private predEpoch = new Uint32Array(0);
  private slotEpoch = new Uint32Array(0);
  private subEpoch = new Uint32Array(0);
  private subCount = new Uint32Array(0);
  private ruleEpoch = new Uint32Array(0);
  private epoch = 0;
  private ordered: { rule: number; fields: readonly FieldRule[] }[] | undefined;

  constructor(patterns: Iterable<readonly [T, CompiledPattern]> = []) {
    for (const [name, pattern] of patterns) this.add(name, pattern);
  }

  /** Number of patterns added. */
  get size(): number {
    return this.names.length;
  }

  /** Adds a pattern under `name`; names are returned by `match` in the order they were added. */
  add(name: T, pattern: CompiledPattern): void {
    this.ordered = undefined;
    const rule = this.names.push(name) - 1;
    for (const fields of pattern.subrules) {
      const sub = this.subs.push({ rule, fields }) - 1;
      for (const field of fields) {
        const slot = this.slotSub.push(sub) - 1;
        const index = this.fieldIndex(field.path);
        for (const m of field.matchers) this.predSlots[this.predicate(field.key, index, m)]?.push(slot);
      }
    }
    const grow = (a: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.predEpoch = grow(this.predEpoch, this.predSlots.length);
    this.slotEpoch = grow(this.slotEpoch, this.slotSub.length);
    this.subEpoch = grow(this.subEpoch, this.subs.length);
    this.subCount = grow(this.subCount, this.subs.length);
    this.ruleEpoch = grow(this.ruleEpoch, this.names.length);
  }

  private fieldIndex(path: readonly string[]): FieldIndex {
    let node = this.root;
    for (const key of path) {
      let child = node.children.get(key);
      if (child === undefined) {
        child = { key: node === this.root ? key : `${node.key}\u0000${key}`, children: new Map(), index: undefined };
        node.children.set(key, child);
      }
      node = child;
    }
    if (node.index === undefined) {
      node.index = { exact: new Map(), numeq: new Map(), prefixes: new Map(), suffixes: new Map(), scan: [], existsTrue: [], existsFalse: [] };
      this.fields.push({ key: node.key, index: node.index });
    }
    return node.index;
  }

  private predicate(fieldKey: string, index: FieldIndex, m: Matcher): number {
    const id = `${fieldKey}\u0001${matcherKey(m)}`;
    const known = this.predIds.get(id);
    if (known !== undefined) return known;
    const pred = this.predSlots.push([]) - 1;
    this.predIds.set(id, pred);
    if (m.t === 'exact') push(index.exact, m.rep, pred);
    else if (m.t === 'numeq') push(index.numeq, m.v, pred);
    else if (m.t === 'prefix') push(index.prefixes.get(m.s.length) ?? index.prefixes.set(m.s.length, new Map()).get(m.s.length) as Map<string, number[]>, m.s, pred);
    else if (m.t === 'suffix') push(index.suffixes.get(m.s.length) ?? index.suffixes.set(m.s.length, new Map()).get(m.s.length) as Map<string, number[]>, m.s, pred);
    else if (m.t === 'exists') (m.v ? index.existsTrue : index.existsFalse).push(pred);
    else index.scan.push({ m, pred });
    return pred;
  }

  /** The names of the patterns `event` matches, in the order they were added. */
  match(event: unknown): T[] {
    if (this.subs.length <= DIRECT_LIMIT) return this.matchDirect(event);
    this.epoch += 1;
    if (this.epoch === 0xffffffff) this.resetEpochs();
    const epoch = this.epoch;
    const candidates: number[] = [];
    const satisfy = (preds: readonly number[] | undefined): void => {
      if (preds === undefined) return;
      for (const pred of preds) {
        if (this.predEpoch[pred] === epoch) continue;
        this.predEpoch[pred] = epoch;
        for (const slot of this.predSlots[pred] as number[]) {
          if (this.slotEpoch[slot] === epoch) continue;
          this.slotEpoch[slot] = epoch;
          const sub = this.slotSub[slot] as number;
          if (this.subEpoch[sub] !== epoch) {
            this.subEpoch[sub] = epoch;
            this.subCount[sub] = 0;
          }
          this.subCount[sub] = (this.subCount[sub] as number) + 1;
          if (this.subCount[sub] === (this.subs[sub] as { fields: readonly FieldRule[] }).fields.length) candidates.push(sub);
        }
      }
    };
    const leaves = new Map<string, Leaf[]>();
    let fromArrays = false;
    const stack: { v: unknown; node: PathNode; trail: Trail | null }[] = [{ v: event, node: this.root, trail: null }];
    while (stack.length > 0) {
      const { v, node, trail } = stack.pop() as { v: unknown; node: PathNode; trail: Trail | null };
      if (Array.isArray(v)) {
        for (let i = v.length - 1; i >= 0; i -= 1) stack.push({ v: v[i], node, trail: { arr: v, i, up: trail } });
      } else if (v !== null && typeof v === 'object') {
        for (const [key, child] of node.children) {
          if (Object.hasOwn(v, key)) stack.push({ v: (v as Record<string, unknown>)[key], node: child, trail });
        }
      } else if (node.index !== undefined) {
        const leaf = leafOf(v as string | number | boolean | null, trail);
        if (trail !== null) fromArrays = true;
        const list = leaves.get(node.key);
        if (list === undefined) {
          leaves.set(node.key, [leaf]);
          satisfy(node.index.existsTrue);
        } else {
          list.push(leaf);
        }
        this.evaluate(node.index, leaf, epoch, satisfy);
      }
    }
    for (const { key, index } of this.fields) if (index.existsFalse.length > 0 && !leaves.has(key)) satisfy(index.existsFalse);
    const hits: number[] = [];
    for (const sub of candidates) {
      const { rule, fields } = this.subs[sub] as { rule: number; fields: readonly FieldRule[] };
      if (this.ruleEpoch[rule] === epoch) continue;
      if (fromArrays && fields.length > 1 && !subruleMatches(fields, (f) => leaves.get(f.key) ?? [])) continue;
      this.ruleEpoch[rule] = epoch;
      hits.push(rule);
    }
    return hits.sort((a, b) => a - b).map((rule) => this.names[rule] as T);
  }

  /**
   * With a handful of sub-rules there is no work to share: each is tested on its own, cheapest
   * and most selective fields first (exact values, then other matchers, absence last), stopping at
   * the first field that fails.
   */
  private matchDirect(event: unknown): T[] {
    if (this.ordered === undefined) this.ordered = this.subs.map(({ rule, fields }) => ({ rule, fields: [...fields].sort((a, b) => cost(a) - cost(b)) }));
    const hits: T[] = [];
    let last = -1;
    for (const { rule, fields } of this.ordered) {
      if (rule !== last && subruleMatches(fields, (f) => leavesAt(event, f.path))) {
        hits.push(this.names[rule] as T);
        last = rule;
      }
    }
    return hits;
  }

  private evaluate(index: FieldIndex, leaf: Leaf, epoch: number, satisfy: (preds: readonly number[] | undefined) => void): void {
    satisfy(index.exact.get(leaf.rep));
    if (leaf.num !== undefined && index.numeq.size > 0) satisfy(index.numeq.get(leaf.num));
    const rep = leaf.rep;
    for (const [length, map] of index.prefixes) if (rep.length >= length) satisfy(map.get(rep.slice(0, length)));
    for (const [length, map] of index.suffixes) if (rep.length >= length) satisfy(map.get(rep.slice(rep.length - length)));
    for (const { m, pred } of index.scan) if (this.predEpoch[pred] !== epoch && test(m, leaf)) satisfy([pred]);
  }

  private resetEpochs(): void {
    for (const a of [this.predEpoch, this.slotEpoch, this.subEpoch, this.ruleEpoch]) a.fill(0);
    this.epoch = 1;
  }
}
