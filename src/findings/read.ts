/**
 * Reads finding input: one JSON value, a JSON array, JSON Lines, or gzip of any of those, from a
 * file or a stream. Nothing is read whole: JSON Lines is streamed line by line, a JSON array (and
 * the findings list of an API page) element by element, and any other document is kept only up to
 * a limit, so memory stays bounded whatever the input. Every record comes out with its position;
 * a record that cannot be parsed or is too large comes out as a coded error and reading goes on.
 */
import { createReadStream } from 'node:fs';
import { InputError, type InputPosition, briefly } from './errors.js';
import { type GzipProblem, gunzip, isGzip } from './gunzip.js';
import { DocumentScanner, type Scanned, isSpace } from './scan.js';

/** One record read from the input, or the error that stood in its place. */
export type InputItem =
  /** `within` is set for an element of an API page's findings list (`Findings[3]`). */
  | { kind: 'record'; value: unknown; position: InputPosition; within?: string }
  | { kind: 'error'; error: InputError; position: InputPosition };

/** Limits that keep any input from exhausting memory. */
export interface ReadLimits {
  /** Largest single record (one JSON Lines line, one element of an array or page), in bytes. */
  maxRecordBytes: number;
  /** Largest top-level JSON value read whole (a document that is not an array or a page), in bytes. */
  maxDocumentBytes: number;
}

/** AWS's own limits are far below these (an EventBridge event is at most 256 KiB). */
export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxRecordBytes: 8 * 1024 * 1024,
  maxDocumentBytes: 16 * 1024 * 1024,
};

interface Line {
  text: string;
  lineNo: number;
  tooLong: boolean;
}

/** Splits a byte stream into lines without ever holding more than one line (bounded) in memory. */
async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes: number, firstLine = 1): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let lineNo = firstLine;
  const flush = (): Line => {
    // A line inside one chunk (the usual case) is decoded where it lies, without a copy.
    const text = tooLong ? '' : parts.length === 1 ? (parts[0] as Buffer).toString('utf8') : Buffer.concat(parts, size).toString('utf8');
    const line = { text, lineNo, tooLong };
    parts = [];
    size = 0;
    tooLong = false;
    lineNo += 1;
    return line;
  };
  for await (const chunk of chunks) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, start);
      const end = nl === -1 ? chunk.length : nl;
      if (!tooLong) {
        if (size + (end - start) > maxBytes) {
          tooLong = true;
          parts = [];
          size = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (nl === -1) break;
      yield flush();
      start = nl + 1;
    }
  }
  if (size > 0 || tooLong) yield flush();
}

/** Prepends already-read chunks to the rest of a stream. */
async function* replay(head: Buffer[], rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield* head;
  for (;;) {
    const next = await rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/** Undoes gzip (member by member, like zcat) when the stream starts with the gzip magic bytes. */
async function* maybeGunzip(stream: AsyncIterable<Buffer>, problem: { value?: GzipProblem }): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  const all = replay([first.value], it);
  if (isGzip(first.value)) yield* gunzip(all, problem);
  else yield* all;
}

function parseError(err: unknown, where: string): InputError {
  return new InputError('InvalidJson', `${where}: not valid JSON (${briefly(err)})`, { cause: err });
}

function where(file: string, line?: number): string {
  const name = file === '-' ? 'stdin' : file;
  return line === undefined ? name : `${name} line ${line}`;
}

/** The start of the input: its first non-blank line decides between JSON Lines and a document. */
interface Peek {
  /** Chunks from the first non-blank byte on, to be read again. */
  head: Buffer[];
  /** Line number of the first non-blank byte. */
  line: number;
  /** The first non-blank line is whole, within the record limit, and a complete JSON value. */
  jsonLines: boolean;
}

/** Reads just enough of `it` to find the first non-blank line (never more than one record). */
async function peek(it: AsyncIterator<Buffer>, maxBytes: number): Promise<Peek | undefined> {
  let line = 1;
  let started = false;
  let atStart = true;
  const head: Buffer[] = [];
  let size = 0;
  for (;;) {
    const next = await it.next();
    if (next.done === true) break;
    let chunk = next.value;
    if (atStart) {
      atStart = false;
      if (chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) chunk = chunk.subarray(3);
    }
    let i = 0;
    if (!started) {
      while (i < chunk.length) {
        const b = chunk[i] as number;
        if (!isSpace(b)) break;
        if (b === 0x0a) line += 1;
        i += 1;
      }
      if (i === chunk.length) continue;
      started = true;
      chunk = chunk.subarray(i);
    }
    head.push(chunk);
    const nl = chunk.indexOf(0x0a);
    if (nl !== -1 && size + nl <= maxBytes) {
      const text = Buffer.concat([...head.slice(0, -1), chunk.subarray(0, nl)]).toString('utf8').trim();
      return { head, line, jsonLines: isCompleteJson(text) };
    }
    size += chunk.length;
    if (size > maxBytes) return { head, line, jsonLines: false };
  }
  if (!started) return undefined;
  return { head, line, jsonLines: isCompleteJson(Buffer.concat(head).toString('utf8').trim()) };
}

/** Reads one input stream named `file` (`-` for stdin) and yields its records in order. */
export async function* readStream(
  stream: AsyncIterable<Buffer | string>,
  file: string,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): AsyncGenerator<InputItem> {
  let index = 0;
  const bytes = (async function* () {
    for await (const c of stream) yield typeof c === 'string' ? Buffer.from(c) : c;
  })();
  const gzipProblem: { value?: GzipProblem } = {};
  const decoded = maybeGunzip(bytes, gzipProblem)[Symbol.asyncIterator]();

  function* emit(value: unknown, line?: number): Generator<InputItem> {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      yield { kind: 'record', value: v, position: line === undefined ? { file, index } : { file, index, line } };
      index += 1;
    }
  }
  function* lineRecords(l: Line): Generator<InputItem> {
    if (l.tooLong) {
      yield errorItem(new InputError('RecordTooLarge', `${where(file, l.lineNo)}: record is larger than ${limits.maxRecordBytes} bytes`), l.lineNo);
      return;
    }
    const text = stripBom(l.text).trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      yield errorItem(parseError(err, where(file, l.lineNo)), l.lineNo);
      return;
    }
    yield* emit(value, l.lineNo);
  }
  function errorItem(error: InputError, line?: number): InputItem {
    const item: InputItem = { kind: 'error', error, position: line === undefined ? { file, index } : { file, index, line } };
    index += 1;
    return item;
  }
  function* scanned(s: Scanned): Generator<InputItem> {
    if (s.kind === 'tooLarge') {
      const what = s.document ? 'JSON document' : s.within === undefined ? 'record' : `record ${s.within}`;
      yield errorItem(new InputError('RecordTooLarge', `${where(file, s.line)}: ${what} is larger than ${s.limit} bytes${s.document ? ' (split it, or give JSON Lines)' : ''}`), s.line);
      return;
    }
    if (s.kind === 'unterminated') {
      // Not one document. If later lines stand alone as JSON, it is JSON Lines with a bad line.
      const lines = s.text?.split('\n') ?? [];
      if (lines.slice(1).some((l) => isCompleteJson(l.trim()))) {
        for (const [k, text] of lines.entries()) yield* lineRecords({ text, lineNo: s.line + k, tooLong: false });
        return;
      }
      let detail: unknown = new Error('the input ends before the value is complete');
      try {
        if (s.text !== undefined) JSON.parse(s.text);
      } catch (err) {
        detail = err;
      }
      yield errorItem(parseError(detail, where(file, s.line)), s.line);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(s.text);
    } catch (err) {
      yield errorItem(parseError(err, where(file, s.line)), s.line);
      return;
    }
    yield { kind: 'record', value, position: { file, index, line: s.line }, ...(s.within === undefined ? {} : { within: s.within }) };
    index += 1;
  }

  const start = await peek(decoded, limits.maxRecordBytes);
  if (start !== undefined) {
    const rest = replay(start.head, decoded);
    if (start.jsonLines) {
      for await (const l of splitLines(rest, limits.maxRecordBytes, start.line)) yield* lineRecords(l);
    } else {
      const scanner = new DocumentScanner(limits, start.line);
      for await (const chunk of rest) for (const s of scanner.push(chunk)) yield* scanned(s);
      for (const s of scanner.end()) yield* scanned(s);
    }
  }
  if (gzipProblem.value !== undefined) {
    yield errorItem(new InputError('CorruptInput', `${where(file)}: ${gzipProblem.value.message}; every record before it was read`));
  }
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

function isCompleteJson(text: string): boolean {
  const c = text[0];
  const last = text[text.length - 1];
  if (!((c === '{' && last === '}') || (c === '[' && last === ']'))) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}


/** Reads each named file in turn (`-` is `stdin`); a file that cannot be opened yields one error. */
export async function* readInputs(
  files: readonly string[],
  stdin: AsyncIterable<Buffer | string>,
  limits: ReadLimits = DEFAULT_READ_LIMITS,
): AsyncGenerator<InputItem> {
  const names = files.length === 0 ? ['-'] : files;
  for (const file of names) {
    if (file === '-') {
      yield* readStream(stdin, '-', limits);
      continue;
    }
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    try {
      yield* readStream(stream, file, limits);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : err instanceof Error ? err.message : String(err);
      yield {
        kind: 'error',
        error: new InputError('UnreadableInput', `${file}: cannot read input (${reason})`, { cause: err }),
        position: { file, index: 0 },
      };
    } finally {
      stream.destroy();
    }
  }
}
