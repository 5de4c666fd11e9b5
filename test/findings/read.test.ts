import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { type InputItem, readInputs, readStream } from '../../src/findings/read.js';

const dir = mkdtempSync(join(tmpdir(), 'firebreak-read-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(items: AsyncIterable<InputItem>): Promise<InputItem[]> {
  const out: InputItem[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const read = (text: string | Buffer, limits?: Parameters<typeof readStream>[2]): Promise<InputItem[]> =>
  collect(readStream(Readable.from([typeof text === 'string' ? Buffer.from(text) : text]), 'in.json', limits));

const summary = (items: InputItem[]): unknown[] =>
  items.map((i) => (i.kind === 'record' ? { v: i.value, ...i.position } : { e: i.error.code, ...i.position }));

describe('readStream', () => {
  it('reads one pretty-printed JSON value', async () => {
    expect(summary(await read('\n{\n  "a": 1\n}\n'))).toEqual([{ v: { a: 1 }, file: 'in.json', index: 0, line: 2 }]);
  });

  it('reads a JSON array as one record per element', async () => {
    expect(summary(await read('[\n {"a": 1},\n {"a": 2}\n]'))).toEqual([
      { v: { a: 1 }, file: 'in.json', index: 0, line: 2 },
      { v: { a: 2 }, file: 'in.json', index: 1, line: 3 },
    ]);
  });

  it('reads JSON Lines with line numbers, skipping blank lines and CRLF', async () => {
    expect(summary(await read('{"a":1}\r\n\n{"a":2}\n'))).toEqual([
      { v: { a: 1 }, file: 'in.json', index: 0, line: 1 },
      { v: { a: 2 }, file: 'in.json', index: 1, line: 3 },
    ]);
  });

  it('keeps going after a broken line and names its line', async () => {
    const items = await read('{"a":1}\n{"a":\n"just a string"\n{"a":3}\n');
    expect(summary(items)).toEqual([
      { v: { a: 1 }, file: 'in.json', index: 0, line: 1 },
      { e: 'InvalidJson', file: 'in.json', index: 1, line: 2 },
      { v: 'just a string', file: 'in.json', index: 2, line: 3 },
      { v: { a: 3 }, file: 'in.json', index: 3, line: 4 },
    ]);
    const err = items[1];
    expect(err?.kind === 'error' && err.error.message).toMatch(/^in\.json line 2: not valid JSON/);
  });

  it('treats JSON Lines whose first line is broken as JSON Lines', async () => {
    const items = await read('{"a":\n{"a":2}\n{"a":3}\n');
    expect(summary(items).map((s) => (s as { e?: string }).e ?? 'ok')).toEqual(['InvalidJson', 'ok', 'ok']);
  });

  it('reports an array cut off inside its last element as unterminated, after the elements before it', async () => {
    for (const text of ['[1, 2', '[{"a": 1}, tru', '[{"a": 1},\n 12']) {
      const items = await read(text);
      const last = items[items.length - 1];
      expect(last?.kind === 'error' && last.error.message).toMatch(/ends before the value is complete/);
      expect(items.filter((i) => i.kind === 'error' && /ends before/.test(i.error.message))).toHaveLength(1);
    }
    expect(summary(await read('[{"a": 1}, tru')).slice(0, 1)).toEqual([{ v: { a: 1 }, file: 'in.json', index: 0, line: 1 }]);
  });

  it('reports a broken single document once', async () => {
    const items = await read('{\n  "a": 1\n  "b": 2\n}\n');
    expect(summary(items)).toEqual([{ e: 'InvalidJson', file: 'in.json', index: 0, line: 1 }]);
  });

  it('reads gzip of JSON Lines', async () => {
    expect(summary(await read(gzipSync('{"a":1}\n{"a":2}\n')))).toHaveLength(2);
  });

  it('strips a byte-order mark', async () => {
    expect(summary(await read('\ufeff{"a":1}'))).toEqual([{ v: { a: 1 }, file: 'in.json', index: 0, line: 1 }]);
  });

  it('rejects a line over the record limit without holding it, and reads the next one', async () => {
    const big = `{"a":"${'x'.repeat(5000)}"}`;
    const items = await read(`{"a":1}\n${big}\n{"a":2}\n`, { maxRecordBytes: 1000, maxDocumentBytes: 10_000 });
    expect(summary(items).map((s) => (s as { e?: string }).e ?? 'ok')).toEqual(['ok', 'RecordTooLarge', 'ok']);
  });

  it('survives deep nesting, control characters and multi-megabyte strings', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const escaped = '{"a":"\\u0001\\u001b[31m"}';
    const raw = '{"a":"x\u0007y"}';
    const huge = JSON.stringify({ a: 'y'.repeat(4_000_000) });
    const items = await read([deep, raw, escaped, huge].join('\n'));
    expect(items.map((i) => i.kind)).toEqual(['record', 'error', 'record', 'record']);
    expect(items[1]?.kind === 'error' && items[1].error.code).toBe('InvalidJson');
  });

  it('reads nothing from empty input', async () => {
    expect(await read('')).toEqual([]);
    expect(await read('\n\n  \n')).toEqual([]);
  });
});

describe('readInputs', () => {
  it('reads several files in order and reports a missing one without stopping', async () => {
    const a = join(dir, 'a.jsonl');
    const b = join(dir, 'b.json.gz');
    writeFileSync(a, '{"n":1}\n{"n":2}\n');
    writeFileSync(b, gzipSync('[{"n":3}]'));
    const items = await collect(readInputs([a, join(dir, 'missing.json'), b], Readable.from([])));
    expect(summary(items)).toEqual([
      { v: { n: 1 }, file: a, index: 0, line: 1 },
      { v: { n: 2 }, file: a, index: 1, line: 2 },
      { e: 'UnreadableInput', file: join(dir, 'missing.json'), index: 0 },
      { v: { n: 3 }, file: b, index: 0, line: 1 },
    ]);
  });

  it('reads stdin for "-" and when no file is given', async () => {
    expect(summary(await collect(readInputs([], Readable.from([Buffer.from('{"n":1}\n')]))))).toEqual([{ v: { n: 1 }, file: '-', index: 0, line: 1 }]);
    expect(await collect(readInputs(['-'], Readable.from([Buffer.from('{"n":1}')])))).toHaveLength(1);
  });

  it('reports a truncated gzip file as CorruptInput after what it could read', async () => {
    const c = join(dir, 'corrupt.gz');
    const gz = gzipSync(Array.from({ length: 1000 }, (_, n) => JSON.stringify({ n, id: (n * 7919).toString(36) })).join('\n'));
    writeFileSync(c, gz.subarray(0, gz.length - 20));
    const items = await collect(readInputs([c], Readable.from([])));
    expect(items.filter((i) => i.kind === 'record').length).toBeGreaterThan(900);
    const last = items.at(-1);
    expect(last?.kind === 'error' && last.error.code).toBe('CorruptInput');
    expect(last?.position.file).toBe(c);
  });
});

describe('gzip read like zcat', () => {
  const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ n: i, pad: 'x'.repeat(100) })).join('\n') + '\n';
  const values = (items: InputItem[]): unknown[] => items.flatMap((i) => (i.kind === 'record' ? [(i.value as { n: number }).n] : []));

  it('keeps every record of a member followed by trailing bytes, then says what followed', async () => {
    for (const trailer of [Buffer.from('garbage that is not gzip\n'), Buffer.alloc(1000)]) {
      // Read in small chunks too, so the member's end and the trailing bytes share a chunk.
      const data = Buffer.concat([gzipSync(lines), trailer]);
      for (const size of [data.length, 64, 7]) {
        const chunks = Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));
        const items = await collect(readStream(Readable.from(chunks), 'in.gz'));
        expect(values(items), `chunk ${size}`).toEqual(Array.from({ length: 12 }, (_, i) => i));
        const last = items.at(-1);
        expect(last?.kind === 'error' && last.error.code).toBe('CorruptInput');
        expect(last?.kind === 'error' && last.error.message).toMatch(/after the end of the gzip data are not gzip/);
      }
    }
  });

  it('reads concatenated members in turn, however the boundary falls', async () => {
    const data = Buffer.concat([gzipSync(lines.slice(0, 500)), gzipSync(lines.slice(500, 900)), gzipSync(lines.slice(900))]);
    for (const size of [data.length, 100, 13]) {
      const chunks = Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size));
      const items = await collect(readStream(Readable.from(chunks), 'in.gz'));
      expect(items.every((i) => i.kind === 'record')).toBe(true);
      expect(values(items)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    }
  });

  it('reports a member whose checksum does not match', async () => {
    const gz = Buffer.from(gzipSync(lines));
    gz[gz.length - 8] = (gz[gz.length - 8] ?? 0) ^ 0xff;
    const items = await read(gz);
    const last = items.at(-1);
    expect(last?.kind === 'error' && last.error.message).toMatch(/checksum does not match/);
  });
});

describe('documents streamed, not read whole', () => {
  it('streams a top-level array element by element, each capped at the record limit', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(5000) });
    const items = await read(`[\n{"a":1},\n${big},\n  {"a":[2,"]}"]}\n]\n`, { maxRecordBytes: 1000, maxDocumentBytes: 2000 });
    expect(summary(items)).toEqual([
      { v: { a: 1 }, file: 'in.json', index: 0, line: 2 },
      { e: 'RecordTooLarge', file: 'in.json', index: 1, line: 3 },
      { v: { a: [2, ']}'] }, file: 'in.json', index: 2, line: 4 },
    ]);
  });

  it('streams the findings list of an API page, naming each element', async () => {
    const page = `{\n  "NextToken": "abc",\n  "Findings": [\n    {"Id": 1},\n    {"Id": 2}\n  ],\n  "ResponseMetadata": {"HTTPStatusCode": 200}\n}\n`;
    const items = await read(page, { maxRecordBytes: 100, maxDocumentBytes: 20 });
    expect(items.map((i) => (i.kind === 'record' ? [i.value, i.within, i.position.line] : i.error.code))).toEqual([
      [{ Id: 1 }, 'Findings[0]', 4],
      [{ Id: 2 }, 'Findings[1]', 5],
    ]);
  });

  it('caps a document read whole, and reads what follows it', async () => {
    const doc = `{\n "a": "${'y'.repeat(3000)}"\n}\n{"b": 1}\n`;
    const items = await read(doc, { maxRecordBytes: 1000, maxDocumentBytes: 2000 });
    expect(summary(items)).toEqual([
      { e: 'RecordTooLarge', file: 'in.json', index: 0, line: 1 },
      { v: { b: 1 }, file: 'in.json', index: 1, line: 4 },
    ]);
  });

  it('reads a minified array on one line that is larger than one record', async () => {
    const elements = Array.from({ length: 200 }, (_, i) => ({ n: i, pad: 'z'.repeat(50) }));
    const items = await read(JSON.stringify(elements), { maxRecordBytes: 1000, maxDocumentBytes: 2000 });
    expect(items.map((i) => (i.kind === 'record' ? (i.value as { n: number }).n : -1))).toEqual(elements.map((e) => e.n));
  });

  it('holds none of an ocean of whitespace, and reports a document that never ends', async () => {
    const chunk = Buffer.alloc(1024 * 1024, ' \n\t');
    const source = (async function* () {
      yield Buffer.from('[');
      for (let i = 0; i < 20; i += 1) yield chunk;
      yield Buffer.from('{"a":1}');
      for (let i = 0; i < 20; i += 1) yield chunk;
    })();
    const items = await collect(readStream(source, 'ws.json'));
    expect(items.map((i) => (i.kind === 'record' ? i.value : i.error.code))).toEqual([{ a: 1 }, 'InvalidJson']);
  });
});

