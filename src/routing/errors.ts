/** Errors of the routing stage. Every code is listed in `docs/errors.md`. */

/** Where in a pattern's text something is: 1-based line and column. */
export interface TextPosition {
  line: number;
  column: number;
}

/**
 * An event pattern EventBridge would refuse. `reason` is the reason AWS gives (the words of
 * event-ruler, the matcher behind EventBridge); `path` is the dotted key it is about.
 */
export class PatternError extends Error {
  readonly code = 'InvalidEventPattern';
  readonly reason: string;
  /** Dotted path of the offending key (`detail.severity`), empty at the top level. */
  readonly path: string;
  /** The same path as a list of keys. */
  readonly keys: readonly string[];
  readonly position: TextPosition | undefined;

  constructor(reason: string, keys: readonly string[], position?: TextPosition) {
    const path = keys.join('.');
    const where = [path === '' ? '' : `at key "${path}"`, position === undefined ? '' : `(line ${position.line}, column ${position.column})`].filter((s) => s !== '').join(' ');
    super(`Event pattern is not valid. Reason: ${reason}${where === '' ? '' : ` ${where}`}`);
    this.name = 'PatternError';
    this.reason = reason;
    this.path = path;
    this.keys = keys;
    this.position = position;
  }
}
