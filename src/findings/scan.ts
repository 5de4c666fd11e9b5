/**
 * A streaming scanner for JSON documents that are not JSON Lines: it finds where each top-level
 * value ends without building it, so memory is bounded by the largest single record whatever the
 * document's size or shape. A top-level array is split into its elements, and so is the findings
 * list of an API response page (`{"Findings": [...]}` / `{"findings": [...]}`); any other
 * top-level value is kept whole up to the document limit. Whitespace, however much of it, is
 * never stored. Parsing (JSON.parse) is left to the caller, one value at a time.
 */

/** One value found by the scanner, or why one could not be kept. */
export type Scanned =
  | { kind: 'value'; text: string; line: number; within?: string }
  | { kind: 'tooLarge'; line: number; limit: number; within?: string; document: boolean }
  | { kind: 'unterminated'; text: string | undefined; line: number };

export interface ScanLimits {
  /** Largest element of a streamed array, in bytes. */
  maxRecordBytes: number;
  /** Largest top-level value kept whole, in bytes. */
  maxDocumentBytes: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;
const PAGE_KEYS = new Set(['Findings', 'findings']);

/** JSON whitespace: space, newline, carriage return, tab. */
export function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Where the scanner is between values. */
type Level = 'top' | 'array' | 'page';

/** A value being captured: its bytes (bounded) and the structure seen so far. */
interface Capture {
  parts: Buffer[];
  size: number;
  limit: number;
  overflow: boolean;
  line: number;
  depth: number;
  inString: boolean;
  escape: boolean;
  /** A bare scalar (number, literal, or garbage): ends at whitespace or punctuation. */
  scalar: boolean;
  /** Bytes of a scalar seen so far (its first byte is taken whatever it is). */
  scalarBytes: number;
  within: string | undefined;
  /** The object held a streamed page: the rest of it is scanned, not kept. */
  discard: boolean;
  /** Page detection inside a top-level object. */
  topObject: boolean;
  expectKey: boolean;
  key: number[] | undefined;
  lastKey: string | undefined;
  expectValue: boolean;
}

export class DocumentScanner {
  private line: number;
  private level: Level = 'top';
  private capture: Capture | undefined;
  /** The top-level object a page array was found in; scanned (not kept) after the array. */
  private pageObject: Capture | undefined;
  private pageKey = '';
  private element = 0;
  private out: Scanned[] = [];

  constructor(
    private readonly limits: ScanLimits,
    firstLine = 1,
  ) {
    this.line = firstLine;
  }

  /** Scans `chunk`, returning the values it completed. */
  push(chunk: Buffer): Scanned[] {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.capture !== undefined) {
        i = this.feed(this.capture, chunk, i);
        continue;
      }
      const b = chunk[i] as number;
      if (isSpace(b) || (b === 0x2c && this.level !== 'top')) {
        if (b === NEWLINE) this.line += 1;
        i += 1;
        continue;
      }
      if (b === 0x5d && this.level !== 'top') {
        // The end of a streamed array.
        i += 1;
        if (this.level === 'page' && this.pageObject !== undefined) {
          this.level = 'top';
          this.capture = this.pageObject;
          this.capture.depth = 1;
          this.capture.expectValue = false;
          this.pageObject = undefined;
        } else this.level = 'top';
        continue;
      }
      if (b === 0x5b && this.level === 'top') {
        this.level = 'array';
        this.element = 0;
        i += 1;
        continue;
      }
      const within = this.level === 'page' ? `${this.pageKey}[${this.element}]` : undefined;
      if (this.level !== 'top') this.element += 1;
      this.capture = this.start(b, this.level === 'top' ? this.limits.maxDocumentBytes : this.limits.maxRecordBytes, within, this.level === 'top' && b === 0x7b);
    }
    return this.out.splice(0);
  }

  /** Ends the input: a value still open is unterminated. */
  end(): Scanned[] {
    if (this.capture === undefined && this.pageObject === undefined && this.level === 'array') {
      this.out.push({ kind: 'unterminated', text: undefined, line: this.line });
    }
    const inArray = this.level !== 'top';
    this.level = 'top';
    const c = this.capture ?? this.pageObject;
    if (c !== undefined) {
      if (c.scalar && !c.overflow) {
        this.finish(c);
        // `[1, 2` ends inside its last element: the element is read, the array never closed.
        if (inArray && this.capture === undefined && this.pageObject === undefined) this.out.push({ kind: 'unterminated', text: undefined, line: this.line });
      } else this.out.push({ kind: 'unterminated', text: c.overflow || c.discard ? undefined : Buffer.concat(c.parts, c.size).toString('utf8'), line: c.line });
      this.capture = undefined;
      this.pageObject = undefined;
    }
    return this.out.splice(0);
  }

  private start(first: number, limit: number, within: string | undefined, topObject: boolean): Capture {
    const opens = first === 0x7b || first === 0x5b;
    return {
      parts: [],
      size: 0,
      limit,
      overflow: false,
      line: this.line,
      depth: 0,
      inString: false,
      escape: false,
      scalar: !opens && first !== QUOTE,
      scalarBytes: 0,
      within,
      discard: false,
      topObject,
      expectKey: false,
      key: undefined,
      lastKey: undefined,
      expectValue: false,
    };
  }

  private keep(c: Capture, chunk: Buffer, from: number, to: number): void {
    if (c.overflow || to <= from) return;
    if (c.size + (to - from) > c.limit) {
      c.overflow = true;
      c.parts = [];
      c.size = 0;
      return;
    }
    c.parts.push(Buffer.from(chunk.subarray(from, to)));
    c.size += to - from;
  }

  private finish(c: Capture): void {
    this.capture = undefined;
    if (c.overflow) {
      this.out.push({ kind: 'tooLarge', line: c.line, limit: c.limit, document: c.within === undefined && this.level === 'top', ...(c.within === undefined ? {} : { within: c.within }) });
      return;
    }
    this.out.push({ kind: 'value', text: Buffer.concat(c.parts, c.size).toString('utf8'), line: c.line, ...(c.within === undefined ? {} : { within: c.within }) });
  }

  /** Advances capture `c` through `chunk` from `i`; returns the index after what it consumed. */
  private feed(c: Capture, chunk: Buffer, i: number): number {
    const n = chunk.length;
    const from = i;
    const keeping = !c.discard;
    while (i < n) {
      const b = chunk[i] as number;
      if (b === NEWLINE) this.line += 1;
      if (c.inString) {
        if (c.escape) c.escape = false;
        else if (b === BACKSLASH) c.escape = true;
        else if (b === QUOTE) {
          c.inString = false;
          if (c.key !== undefined) {
            c.lastKey = c.key.length <= 64 ? String.fromCharCode(...c.key) : undefined;
            c.key = undefined;
          }
          if (c.depth === 0) {
            i += 1;
            if (keeping) this.keep(c, chunk, from, i);
            this.finish(c);
            return i;
          }
        } else if (c.key !== undefined && c.key.length <= 64) c.key.push(b);
        i += 1;
        continue;
      }
      if (c.scalar) {
        if (c.scalarBytes++ > 0 && (isSpace(b) || b === 0x2c || b === 0x5d || b === 0x7d || b === 0x5b || b === 0x7b || b === QUOTE)) {
          if (b === NEWLINE) this.line -= 1; // counted again by the caller
          this.keep(c, chunk, from, i);
          this.finish(c);
          return i;
        }
        i += 1;
        continue;
      }
      switch (b) {
        case QUOTE:
          c.inString = true;
          if (c.topObject && c.depth === 1 && c.expectKey) {
            c.key = [];
            c.expectKey = false;
          }
          if (c.expectValue) c.expectValue = false;
          break;
        case 0x7b:
        case 0x5b:
          if (c.topObject && c.depth === 1 && c.expectValue && b === 0x5b && c.lastKey !== undefined && PAGE_KEYS.has(c.lastKey) && this.pageObject === undefined) {
            // The findings list of an API page: stream its elements.
            c.expectValue = false;
            this.pageKey = c.lastKey;
            this.pageObject = c;
            c.discard = true;
            c.overflow = false;
            this.capture = undefined;
            this.level = 'page';
            this.element = 0;
            c.parts = [];
            c.size = 0;
            return i + 1;
          }
          c.expectValue = false;
          c.depth += 1;
          if (c.topObject && c.depth === 1) c.expectKey = true;
          break;
        case 0x7d:
        case 0x5d:
          c.depth -= 1;
          if (c.depth <= 0) {
            i += 1;
            if (keeping) this.keep(c, chunk, from, i);
            if (keeping) this.finish(c);
            else this.capture = undefined;
            return i;
          }
          break;
        case 0x2c:
          if (c.topObject && c.depth === 1) c.expectKey = true;
          break;
        case 0x3a:
          if (c.topObject && c.depth === 1) c.expectValue = true;
          break;
        default:
          if (c.expectValue && !isSpace(b)) c.expectValue = false;
      }
      i += 1;
    }
    if (keeping) this.keep(c, chunk, from, n);
    return n;
  }
}
