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
    expect(summary(await read('{\n  "a": 1\n}\n'))).toEqual([{ v: { a: 1 }, file: 'in.json', index: 0 }]);
  });

  it('reads a JSON array as one record per element', async () => {
    expect(summary(await read('[\n {"a": 1},\n {"a": 2}\n]'))).toEqual([
      { v: { a: 1 }, file: 'in.json', index: 0 },
      { v: { a: 2 }, file: 'in.json', index: 1 },
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

  it('reports a broken single document once', async () => {
    const items = await read('{\n  "a": 1\n  "b": 2\n}\n');
    expect(summary(items)).toEqual([{ e: 'InvalidJson', file: 'in.json', index: 0 }]);
  });

  it('reads gzip of JSON Lines', async () => {
    expect(summary(await read(gzipSync('{"a":1}\n{"a":2}\n')))).toHaveLength(2);
  });

  it('strips a byte-order mark', async () => {
    expect(summary(await read('\ufeff{"a":1}'))).toEqual([{ v: { a: 1 }, file: 'in.json', index: 0, line: 1 }]);
  });

  it('rejects a line over the record limit without holding it, and reads the next one', async () => {
    const big = `{"a":"${'x'.repeat(5000)}"}`;
    const items = await read(`${big}\n{"a":2}\n`, { maxRecordBytes: 1000, maxDocumentBytes: 10_000 });
    expect(summary(items).map((s) => (s as { e?: string }).e ?? 'ok')).toEqual(['RecordTooLarge', 'ok']);
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

  it('reports a corrupt gzip file as unreadable after what it could read', async () => {
    const c = join(dir, 'corrupt.gz');
    const gz = gzipSync('{"n":1}\n'.repeat(1000));
    writeFileSync(c, gz.subarray(0, gz.length - 20));
    const items = await collect(readInputs([c], Readable.from([])));
    expect(items.at(-1)?.kind).toBe('error');
    expect(items.at(-1)?.kind === 'error' && items.at(-1)?.position.file).toBe(c);
  });
});
