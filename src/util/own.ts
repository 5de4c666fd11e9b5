/**
 * Lookups keyed by strings that come from input. A plain object answers `toString`,
 * `constructor` or `__proto__` with what it inherits from Object.prototype; these answer only
 * with the object's own properties.
 */

/** `table[key]` when `key` is the table's own property, else undefined. */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** An empty record with no prototype: any key, `__proto__` included, is an ordinary own property. */
export function bare<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
