/**
 * Plans: the diff an action would make — the state before, the exact AWS calls, the state after —
 * with a stable hash an approval is bound to. A value a call produces (the id of a security group
 * it creates) is written `{"$ref": "name.Field"}` and filled in when the call has run; a policy
 * document sent as text is written `{"$json": document}` so people read the document.
 */
import { createHash } from 'node:crypto';

/** One AWS API call: `service:Operation` and its input. */
export interface Call {
  operation: string;
  input: Record<string, unknown>;
  /** A name later calls and the after-state use to refer to this call's output. */
  as?: string;
}

/** What an action would do to one target. */
export interface Plan {
  /** The state read before (only the parts the action changes or must keep). */
  before: unknown;
  /** The calls, in order; empty when the target is already in the after-state. */
  calls: Call[];
  /** The state expected after the calls, read back to verify. */
  after: unknown;
}

/** A reference to a value produced during execution. */
export interface Ref {
  $ref: string;
}

/** A reference to `path` (`name.Field` of a named call's output, or `execution.time`). */
export const ref = (path: string): Ref => ({ $ref: path });

/** A value sent as JSON text (a policy document), written as the document itself in plans. */
export interface Json {
  $json: unknown;
}

const isJson = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && '$json' in v;

const isRef = (v: unknown): v is Ref => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && typeof (v as Ref).$ref === 'string';

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]));
  });
}

/** Whether two JSON values are equal (key order aside). */
export const sameState = (a: unknown, b: unknown): boolean => canonical(a) === canonical(b);

/** The hash an approval is bound to: action, target, where, and the whole plan. */
export function planHash(parts: { action: string; target: string; account: string; region: string; plan: Plan }): string {
  return createHash('sha256').update(canonical(parts)).digest('hex').slice(0, 32);
}

/**
 * `value` with every reference replaced by what `outputs` holds for it, and every `$json` value
 * turned into its JSON text; throws when a reference has no value.
 */
export function resolveRefs(value: unknown, outputs: Readonly<Record<string, unknown>>): unknown {
  if (isJson(value)) return JSON.stringify(resolveRefs(value.$json, outputs));
  if (isRef(value)) {
    const [head = '', ...rest] = value.$ref.split('.');
    let v: unknown = outputs[head];
    for (const key of rest) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
    if (v === undefined) throw new Error(`no value for ${value.$ref}: the call that produces it has not run`);
    return v;
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, outputs));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, outputs)]));
  return value;
}

/** Whether `value` still holds a reference. */
export function hasRefs(value: unknown): boolean {
  if (isRef(value)) return true;
  if (Array.isArray(value)) return value.some(hasRefs);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(hasRefs);
  return false;
}
