/**
 * Reads finding input: one JSON value, a JSON array, JSON Lines, or gzip of any of those, from a
 * file or a stream. JSON Lines is streamed line by line, so memory stays bounded however large the
 * input; a single JSON document is buffered up to a limit. Every record comes out with its
 * position; a record that cannot be parsed comes out as a coded error and reading goes on.
 */
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InputError, type InputPosition } from './errors.js';

/** One record read from the input, or the error that stood in its place. */
export type InputItem =
  | { kind: 'record'; value: unknown; position: InputPosition }
  | { kind: 'error'; error: InputError; position: InputPosition };

/** Limits that keep any input from exhausting memory. */
export interface ReadLimits {
  /** Largest single record (one JSON Lines line), in bytes. */
  maxRecordBytes: number;
  /** Largest single JSON document (non-JSON-Lines input), in bytes. */
  maxDocumentBytes: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxRecordBytes: 32 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
};

interface Line {
  text: string;
  lineNo: number;
  tooLong: boolean;
}

/** Splits a byte stream into lines without ever holding more than one line (bounded) in memory. */
async function* splitLines(chunks: AsyncIterable<Buffer>, maxBytes: number): AsyncGenerator<Line> {
  let parts: Buffer[] = [];
  let size = 0;
  let tooLong = false;
  let lineNo = 1;
  const flush = (): Line => {
    const text = tooLong ? '' : Buffer.concat(parts, size).toString('utf8');
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

/** Undoes gzip when the stream starts with the gzip magic bytes. */
async function* maybeGunzip(stream: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = stream[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) return;
  const head = first.value;
  const rest: AsyncIterable<Buffer> = { [Symbol.asyncIterator]: () => it };
  async function* all(): AsyncGenerator<Buffer> {
    yield head;
    yield* rest;
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = Readable.from(all()).pipe(createGunzip());
    for await (const chunk of gunzip) yield chunk as Buffer;
  } else {
    yield* all();
  }
}

function parseError(err: unknown, where: string): InputError {
  const detail = err instanceof Error ? err.message : String(err);
  const short = detail.length > 200 ? `${detail.slice(0, 200)}...` : detail;
  return new InputError('InvalidJson', `${where}: not valid JSON (${short})`, { cause: err });
}

function where(file: string, line?: number): string {
  const name = file === '-' ? 'stdin' : file;
  return line === undefined ? name : `${name} line ${line}`;
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
  // Iterated in several loops below; a plain iterator keeps `break` from closing the generator.
  const lineIterator = splitLines(maybeGunzip(bytes), limits.maxRecordBytes);
  const lines: AsyncIterable<Line> = { [Symbol.asyncIterator]: () => ({ next: () => lineIterator.next() }) };

  function* emit(value: unknown, line?: number): Generator<InputItem> {
    const values = Array.isArray(value) ? value : [value];
    for (const v of values) {
      yield { kind: 'record', value: v, position: withLine({ file, index }, line) };
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
    const item: InputItem = { kind: 'error', error, position: withLine({ file, index }, line) };
    index += 1;
    return item;
  }

  // Decide the shape from the first non-blank line: a complete JSON value there means JSON Lines.
  let first: Line | undefined;
  for await (const l of lines) {
    if (l.tooLong || stripBom(l.text).trim() !== '') {
      first = l;
      break;
    }
  }
  if (first === undefined) return;
  const firstText = stripBom(first.text).trim();
  if (first.tooLong || isCompleteJson(firstText)) {
    yield* lineRecords(first);
    for await (const l of lines) yield* lineRecords(l);
    return;
  }

  // A multi-line document: buffer it (bounded), then parse it whole.
  const buffered: Line[] = [first];
  let total = first.text.length;
  let overflow = false;
  for await (const l of lines) {
    buffered.push(l);
    total += l.text.length + 1;
    if (total > limits.maxDocumentBytes || l.tooLong) {
      overflow = true;
      break;
    }
  }
  if (!overflow) {
    const text = buffered.map((l) => l.text).join('\n');
    try {
      yield* emit(JSON.parse(stripBom(text)));
      return;
    } catch (err) {
      // Not one document. If other lines stand alone as JSON, it is JSON Lines with a bad line.
      if (!buffered.slice(1).some((l) => isCompleteJson(l.text.trim()))) {
        yield errorItem(parseError(err, where(file)));
        return;
      }
    }
  } else if (!buffered.slice(1).some((l) => isCompleteJson(l.text.trim()))) {
    yield errorItem(new InputError('RecordTooLarge', `${where(file)}: JSON document is larger than ${limits.maxDocumentBytes} bytes`));
    return;
  }
  for (const l of buffered) yield* lineRecords(l);
  for await (const l of lines) yield* lineRecords(l);
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

function withLine(pos: InputPosition, line: number | undefined): InputPosition {
  return line === undefined ? pos : { ...pos, line };
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
