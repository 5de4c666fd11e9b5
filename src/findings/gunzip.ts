/**
 * gzip decoding read the way `zcat` reads it: members one after another, and whatever follows
 * the last member that is not gzip is reported and ignored, never allowed to swallow the records
 * before it. Node's own Gunzip stream throws away the output of its last step when trailing bytes
 * follow a member; here each member's header is parsed by hand, its deflate body inflated in small
 * pieces (so a decompression bomb never holds more than a piece's worth of output), and its
 * trailer (CRC-32 and length) checked.
 */
import { createInflateRaw, crc32 } from 'node:zlib';

/** What went wrong with the gzip data, after every byte before it was delivered. */
export interface GzipProblem {
  message: string;
}

/** Input piece size: deflate expands at most ~1032:1, so one piece yields at most ~16 MiB. */
const PIECE = 16 * 1024;
/** Longest header accepted (file name and comment included). */
const MAX_HEADER = 64 * 1024;

/** Pull-based reader over a chunk stream with a small look-ahead buffer. */
class Bytes {
  private pending: Buffer = Buffer.alloc(0);
  private done = false;

  constructor(private readonly source: AsyncIterator<Buffer>) {}

  /** Ensures at least `n` bytes are buffered; false when the input ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.pending.length < n && !this.done) {
      const next = await this.source.next();
      if (next.done === true) this.done = true;
      else this.pending = this.pending.length === 0 ? next.value : Buffer.concat([this.pending, next.value]);
    }
    return this.pending.length >= n;
  }

  at(i: number): number {
    return this.pending[i] ?? -1;
  }

  skip(n: number): void {
    this.pending = this.pending.subarray(n);
  }

  /** Up to `max` bytes: what is buffered, else the next chunk; undefined at the end. */
  async piece(max: number): Promise<Buffer | undefined> {
    if (!(await this.fill(1))) return undefined;
    const out = this.pending.subarray(0, max);
    this.pending = this.pending.subarray(out.length);
    return out;
  }

  unread(b: Buffer): void {
    this.pending = this.pending.length === 0 ? b : Buffer.concat([b, this.pending]);
  }
}

/** True when `head` starts with the gzip magic bytes. */
export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Length of the member header at the start of `bytes`, or a reason it is not a valid one. */
async function headerLength(bytes: Bytes): Promise<number | string> {
  if (!(await bytes.fill(10))) return 'the gzip header is truncated';
  if (bytes.at(2) !== 8) return 'the gzip compression method is not deflate';
  const flags = bytes.at(3);
  let pos = 10;
  if ((flags & 0x04) !== 0) {
    if (!(await bytes.fill(pos + 2))) return 'the gzip header is truncated';
    pos += 2 + (bytes.at(pos) | (bytes.at(pos + 1) << 8));
  }
  for (const bit of [0x08, 0x10]) {
    if ((flags & bit) === 0) continue;
    // A zero-terminated file name or comment.
    for (;;) {
      if (pos > MAX_HEADER) return 'the gzip header is longer than 64 KiB';
      if (!(await bytes.fill(pos + 1))) return 'the gzip header is truncated';
      if (bytes.at(pos++) === 0) break;
    }
  }
  if ((flags & 0x02) !== 0) pos += 2;
  if (pos > MAX_HEADER) return 'the gzip header is longer than 64 KiB';
  return (await bytes.fill(pos)) ? pos : 'the gzip header is truncated';
}

/** Writes `piece` to the inflater and resolves once it has been processed (or failed). */
function inflatePiece(inflater: ReturnType<typeof createInflateRaw>, piece: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      inflater.off('error', done);
      // Any output of this step is emitted before the callback; one more turn flushes stragglers.
      setImmediate(resolve);
    };
    inflater.once('error', done);
    inflater.write(piece, () => done());
  });
}

/**
 * Decompresses gzip `source` (which starts with the magic bytes) member by member. Stops at the
 * first thing that is not a whole, valid member and records it in `problem`; every byte
 * decompressed before it has been yielded.
 */
export async function* gunzip(source: AsyncIterable<Buffer>, problem: { value?: GzipProblem }): AsyncGenerator<Buffer> {
  const bytes = new Bytes(source[Symbol.asyncIterator]());
  for (let member = 0; ; member += 1) {
    if (!(await bytes.fill(1))) return;
    if (!(await bytes.fill(2)) || bytes.at(0) !== 0x1f || bytes.at(1) !== 0x8b) {
      problem.value = { message: 'the bytes after the end of the gzip data are not gzip and were ignored' };
      return;
    }
    const header = await headerLength(bytes);
    if (typeof header === 'string') {
      problem.value = { message: `member ${member + 1}: ${header}` };
      return;
    }
    bytes.skip(header);

    const inflater = createInflateRaw();
    const out: Buffer[] = [];
    let failure: Error | undefined;
    inflater.on('data', (c: Buffer) => out.push(c));
    inflater.on('error', (e: Error) => (failure = e));
    let crc = 0;
    let size = 0;
    let ended = false;
    try {
      while (!ended) {
        const piece = await bytes.piece(PIECE);
        if (piece === undefined) {
          problem.value = { message: `member ${member + 1}: the gzip data is truncated` };
          return;
        }
        const before = inflater.bytesWritten;
        await inflatePiece(inflater, piece);
        for (const c of out.splice(0)) {
          crc = crc32(c, crc);
          size += c.length;
          yield c;
        }
        if (failure !== undefined) {
          problem.value = { message: `member ${member + 1}: the gzip data is corrupt (${failure.message})` };
          return;
        }
        const used = inflater.bytesWritten - before;
        if (used < piece.length) {
          bytes.unread(piece.subarray(used));
          ended = true;
        }
      }
    } finally {
      inflater.destroy();
    }
    if (!(await bytes.fill(8))) {
      problem.value = { message: `member ${member + 1}: the gzip trailer is truncated` };
      return;
    }
    const wantCrc = (bytes.at(0) | (bytes.at(1) << 8) | (bytes.at(2) << 16) | (bytes.at(3) << 24)) >>> 0;
    const wantSize = (bytes.at(4) | (bytes.at(5) << 8) | (bytes.at(6) << 16) | (bytes.at(7) << 24)) >>> 0;
    bytes.skip(8);
    if (wantCrc !== crc >>> 0 || wantSize !== size % 2 ** 32) {
      problem.value = { message: `member ${member + 1}: the gzip checksum does not match (the data is corrupt)` };
      return;
    }
  }
}
