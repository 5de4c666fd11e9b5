/**
 * Record shapes for the normalizers: a small validator declared like zod (`shape.object({ id: s.string().max(512) })`)
 * but built for the hot path. A value that fits comes back copied with only the declared keys
 * (undeclared keys are dropped), without allocating anything else; the first problem throws a
 * `ShapeIssue` naming the field, and the path is assembled only then, as the issue rises.
 */
import { bare } from '../../util/own.js';

/** What is wrong with a value, and where. */
export class ShapeIssue extends Error {
  /** Keys and indexes from the validated value down to the field. */
  readonly path: (string | number)[] = [];
  constructor(
    readonly problem: 'missing' | 'invalid' | 'tooLong' | 'tooMany',
    message: string,
    /** For `tooLong` and `tooMany`: the limit, and the length found. */
    readonly limit?: number,
    readonly length?: number,
  ) {
    super(message);
  }
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function wrongType(expected: string, value: unknown): ShapeIssue {
  return value === undefined ? new ShapeIssue('missing', `expected ${expected}`) : new ShapeIssue('invalid', `expected ${expected}, received ${typeName(value)}`);
}

/** Parses a child value with `shape`; a failure gets the child's key put in front of its path. */
function child<T>(key: string | number, shape: Shape<T>, value: unknown): T {
  try {
    return shape.parse(value);
  } catch (e) {
    if (e instanceof ShapeIssue) e.path.unshift(key);
    throw e;
  }
}

/** A shape a value must have; `parse` returns the value (objects copied with declared keys only) or throws a `ShapeIssue`. */
export abstract class Shape<T> {
  declare readonly _output: T;
  abstract parse(value: unknown): T;

  optional(): Shape<T | undefined> {
    return new OptionalShape(this);
  }

  /** Also accepts null (kept as null) and absence. */
  nullish(): Shape<T | null | undefined> {
    return new NullishShape(this);
  }

  array(): ArrayShape<T> {
    return new ArrayShape(this);
  }
}

/** The type a shape produces. */
export type Infer<S> = S extends Shape<infer T> ? T : never;

class OptionalShape<T> extends Shape<T | undefined> {
  constructor(readonly inner: Shape<T>) {
    super();
  }
  parse(value: unknown): T | undefined {
    return value === undefined ? undefined : this.inner.parse(value);
  }
}

class NullishShape<T> extends Shape<T | null | undefined> {
  constructor(readonly inner: Shape<T>) {
    super();
  }
  parse(value: unknown): T | null | undefined {
    return value === undefined || value === null ? value : this.inner.parse(value);
  }
}

export class StringShape extends Shape<string> {
  constructor(
    private readonly minLength = 0,
    private readonly maxLength = Infinity,
    private readonly pattern?: { re: RegExp; message: string },
  ) {
    super();
  }
  min(n: number): StringShape {
    return new StringShape(n, this.maxLength, this.pattern);
  }
  max(n: number): StringShape {
    return new StringShape(this.minLength, n, this.pattern);
  }
  regex(re: RegExp, message = `expected text matching ${String(re)}`): StringShape {
    return new StringShape(this.minLength, this.maxLength, { re, message });
  }
  parse(value: unknown): string {
    if (typeof value !== 'string') throw wrongType('string', value);
    if (value.length > this.maxLength) throw new ShapeIssue('tooLong', `expected at most ${this.maxLength} characters`, this.maxLength, value.length);
    if (value.length < this.minLength) throw new ShapeIssue('invalid', this.minLength === 1 ? 'expected a non-empty string' : `expected at least ${this.minLength} characters`);
    if (this.pattern !== undefined && !this.pattern.re.test(value)) throw new ShapeIssue('invalid', this.pattern.message);
    return value;
  }
}

class NumberShape extends Shape<number> {
  constructor(
    private readonly integer = false,
    private readonly least = -Infinity,
    private readonly most = Infinity,
  ) {
    super();
  }
  int(): NumberShape {
    return new NumberShape(true, this.least, this.most);
  }
  min(n: number): NumberShape {
    return new NumberShape(this.integer, n, this.most);
  }
  max(n: number): NumberShape {
    return new NumberShape(this.integer, this.least, n);
  }
  parse(value: unknown): number {
    if (typeof value !== 'number' || Number.isNaN(value)) throw wrongType('number', value);
    if (this.integer && !Number.isSafeInteger(value)) throw new ShapeIssue('invalid', 'expected an integer');
    if (!Number.isFinite(value)) throw new ShapeIssue('invalid', 'expected a finite number');
    if (value < this.least) throw new ShapeIssue('invalid', `expected a number >= ${this.least}`);
    if (value > this.most) throw new ShapeIssue('invalid', `expected a number <= ${this.most}`);
    return value;
  }
}

class BooleanShape extends Shape<boolean> {
  parse(value: unknown): boolean {
    if (typeof value !== 'boolean') throw wrongType('boolean', value);
    return value;
  }
}

class UnknownShape extends Shape<unknown> {
  parse(value: unknown): unknown {
    return value;
  }
}

class EnumShape<E extends string> extends Shape<E> {
  private readonly allowed: ReadonlySet<string>;
  constructor(readonly values: readonly E[]) {
    super();
    this.allowed = new Set(values);
  }
  parse(value: unknown): E {
    if (typeof value === 'string' && this.allowed.has(value)) return value as E;
    if (value === undefined) throw new ShapeIssue('missing', 'expected a value');
    throw new ShapeIssue('invalid', `expected one of ${this.values.map((v) => `"${v}"`).join('|')}`);
  }
}

class ArrayShape<T> extends Shape<T[]> {
  constructor(
    private readonly element: Shape<T>,
    private readonly least = 0,
    private readonly most = Infinity,
  ) {
    super();
  }
  min(n: number): ArrayShape<T> {
    return new ArrayShape(this.element, n, this.most);
  }
  max(n: number): ArrayShape<T> {
    return new ArrayShape(this.element, this.least, n);
  }
  parse(value: unknown): T[] {
    if (!Array.isArray(value)) throw wrongType('array', value);
    if (value.length > this.most) throw new ShapeIssue('tooMany', `expected at most ${this.most} items`, this.most, value.length);
    if (value.length < this.least) throw new ShapeIssue('invalid', `expected at least ${this.least} item${this.least === 1 ? '' : 's'}`);
    const out = new Array<T>(value.length);
    for (let i = 0; i < value.length; i += 1) out[i] = child(i, this.element, value[i]);
    return out;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class RecordShape<V> extends Shape<Record<string, V>> {
  constructor(
    private readonly key: Shape<string>,
    private readonly value: Shape<V>,
  ) {
    super();
  }
  parse(value: unknown): Record<string, V> {
    if (!isPlainObject(value)) throw wrongType('object', value);
    // Keys are input: a null-prototype record cannot be confused with Object.prototype's members.
    const out = bare<V>();
    for (const k of Object.keys(value)) {
      child(k, this.key, k);
      out[k] = child(k, this.value, value[k]);
    }
    return out;
  }
}

type Fields = Record<string, Shape<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<F extends Fields> = { [K in keyof F]: undefined extends Infer<F[K]> ? K : never }[keyof F];
type RequiredKeys<F extends Fields> = Exclude<keyof F, OptionalKeys<F>>;
/** The object a set of fields produces: a field whose shape accepts undefined is optional. */
export type ObjectOf<F extends Fields> = Simplify<{ [K in RequiredKeys<F>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> }>;

class ObjectShape<F extends Fields> extends Shape<ObjectOf<F>> {
  private readonly entries: [string, Shape<unknown>][];
  constructor(fields: F) {
    super();
    this.entries = Object.entries(fields);
  }
  parse(value: unknown): ObjectOf<F> {
    if (!isPlainObject(value)) throw wrongType('object', value);
    const out: Record<string, unknown> = {};
    for (const [k, shape] of this.entries) {
      // Own properties only: a key named like an Object.prototype member is not a field the input set.
      const parsed = child(k, shape, Object.hasOwn(value, k) ? value[k] : undefined);
      if (parsed !== undefined) out[k] = parsed;
    }
    return out as ObjectOf<F>;
  }
}

class UnionShape<T> extends Shape<T> {
  constructor(private readonly options: readonly Shape<T>[]) {
    super();
  }
  parse(value: unknown): T {
    if (value === undefined) throw new ShapeIssue('missing', 'expected a value');
    for (const o of this.options) {
      try {
        return o.parse(value);
      } catch (e) {
        if (!(e instanceof ShapeIssue)) throw e;
      }
    }
    throw new ShapeIssue('invalid', 'matches none of the allowed forms');
  }
}

/** The shape builders, named as zod names them. */
export const shape = {
  string: (): StringShape => new StringShape(),
  number: (): NumberShape => new NumberShape(),
  boolean: (): BooleanShape => new BooleanShape(),
  unknown: (): UnknownShape => new UnknownShape(),
  enum: <const E extends string>(values: readonly E[]): EnumShape<E> => new EnumShape(values),
  array: <T>(element: Shape<T>): ArrayShape<T> => new ArrayShape(element),
  record: <V>(key: Shape<string>, value: Shape<V>): RecordShape<V> => new RecordShape(key, value),
  object: <F extends Fields>(fields: F): ObjectShape<F> => new ObjectShape(fields),
  union: <const O extends readonly Shape<unknown>[]>(options: O): UnionShape<Infer<O[number]>> => new UnionShape(options as unknown as readonly Shape<Infer<O[number]>>[]),
};
