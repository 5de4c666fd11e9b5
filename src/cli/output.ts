/** Buffered writing to a stream that honours back-pressure, so huge outputs stay in bounded memory. */
import type { Writable } from 'node:stream';

/** Collects text and flushes it to `stream` in large writes, waiting for 'drain' when asked to. */
/** The reader of our output went away (`firebreak ... | head`): not an error, a reason to stop. */
export class OutputClosed extends Error {
  constructor() {
    super('output closed by its reader');
    this.name = 'OutputClosed';
  }
}

/** Whether `err` says the output's reader went away (a closed pipe, or a stream destroyed by one). */
export function isClosedOutput(err: unknown): boolean {
  if (err instanceof OutputClosed) return true;
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

export class BufferedWriter {
  private parts: string[] = [];
  private size = 0;

  constructor(
    private readonly stream: Writable,
    private readonly threshold = 64 * 1024,
  ) {}

  /** Adds text; flushes when the buffer passes the threshold. */
  async write(text: string): Promise<void> {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= this.threshold) await this.flush();
  }

  /** Writes everything buffered and waits for the stream to accept more. */
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    // A closed pipe shows up as an error on an earlier write, after which the stream is destroyed.
    if (this.stream.destroyed) throw new OutputClosed();
    const chunk = this.parts.join('');
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const done = (err?: Error): void => {
          this.stream.off('drain', onDrain);
          this.stream.off('error', done);
          if (err === undefined) resolve();
          else reject(isClosedOutput(err) ? new OutputClosed() : err);
        };
        const onDrain = (): void => done();
        this.stream.once('drain', onDrain);
        this.stream.once('error', done);
      });
    }
  }
}

/** A progress line on stderr, only when stderr is a terminal. */
export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private shown = false;

  constructor(
    private readonly stream: NodeJS.WriteStream | Writable,
    private readonly describe: () => string,
  ) {}

  start(): void {
    if ((this.stream as NodeJS.WriteStream).isTTY !== true) return;
    this.timer = setInterval(() => {
      this.shown = true;
      this.stream.write(`\r\u001b[2K${this.describe()}`);
    }, 250);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    if (this.shown) this.stream.write('\r\u001b[2K');
  }
}
