/**
 * Patterns of literal text with `*` standing for any run of characters, matched in one pass
 * without backtracking: the first part must start the value, the last must end it, and each part
 * between is found at its leftmost place after the previous one. Taking the leftmost place is
 * never wrong, since any later place leaves less room for the parts after it. A regular
 * expression of `.*` groups would try every split and can take minutes on a hostile value.
 */
export class Glob {
  /** The literal parts, in order; `*` sits between each two. */
  readonly parts: readonly string[];

  constructor(parts: readonly string[]) {
    this.parts = parts.length === 0 ? [''] : parts;
  }

  /** A glob whose every `*` is a wildcard (no escapes). */
  static of(pattern: string): Glob {
    return new Glob(pattern.split('*'));
  }

  test(value: string): boolean {
    const parts = this.parts;
    const first = parts[0] as string;
    if (parts.length === 1) return value === first;
    const last = parts[parts.length - 1] as string;
    if (value.length < first.length + last.length || !value.startsWith(first) || !value.endsWith(last)) return false;
    const end = value.length - last.length;
    let at = first.length;
    for (let k = 1; k < parts.length - 1; k += 1) {
      const part = parts[k] as string;
      const found = value.indexOf(part, at);
      if (found < 0 || found + part.length > end) return false;
      at = found + part.length;
    }
    return true;
  }
}
