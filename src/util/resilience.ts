/**
 * Keeping a remote service's trouble (a model provider, a chat service, a mail server) from
 * becoming the run's trouble: a concurrency limit, a request-rate limit, retries with full-jitter
 * exponential backoff (honouring `Retry-After`), and a circuit breaker.
 */

/** Time, injectable for tests. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
  random(): number;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};

/** At most `limit` tasks at a time; the rest wait in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`concurrency must be a positive integer, got ${limit}`);
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active += 1;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next();
      else this.active -= 1;
    }
  }
}

/** Spaces requests so that no more than `perMinute` start in any minute (0: no limit). */
export class RateLimiter {
  private next = 0;

  constructor(
    private readonly perMinute: number,
    private readonly clock: Clock = realClock,
  ) {}

  async acquire(): Promise<void> {
    if (this.perMinute <= 0) return;
    const interval = 60_000 / this.perMinute;
    const now = this.clock.now();
    const at = Math.max(now, this.next);
    this.next = at + interval;
    if (at > now) await this.clock.sleep(at - now);
  }
}

/** Parses a `Retry-After` value (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether an HTTP status is worth retrying: throttling, timeouts and server errors. */
export function retryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Retry settings. */
export interface RetryOptions {
  /** Retries after the first attempt. */
  retries: number;
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 3, baseMs: 500, maxMs: 20_000 };

/** The wait before retry number `attempt` (0-based): Retry-After when given, else full jitter. */
export function backoffMs(attempt: number, options: RetryOptions, clock: Clock, retryAfter?: number): number {
  if (retryAfter !== undefined) return Math.min(retryAfter, options.maxMs * 3);
  const cap = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  return Math.round(clock.random() * cap);
}

/** What retrying needs to know about a failure. */
export interface Transient {
  readonly retryable: boolean;
  /** From a `Retry-After` header or the service's own rate-limit answer. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * Calls `fn` until it succeeds, fails for good, or retries run out. `classify` turns whatever `fn`
 * threw into the error that is retried or thrown; `onRetry` sees each retry.
 */
export async function withRetry<T, E extends Transient>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions,
  clock: Clock,
  classify: (err: unknown) => E,
  onRetry?: (err: E, waitMs: number) => void,
): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fn(attempt);
    } catch (err) {
      const e = classify(err);
      if (!e.retryable || attempt >= options.retries) throw e;
      const wait = backoffMs(attempt, options, clock, e.retryAfterMs);
      onRetry?.(e, wait);
      await clock.sleep(wait);
    }
  }
}

/** Circuit breaker settings. */
export interface BreakerOptions {
  /** Consecutive failed calls (after retries) that open the circuit. */
  failures: number;
  /** How long it stays open before one trial call is let through. */
  cooldownMs: number;
}

export const DEFAULT_BREAKER: BreakerOptions = { failures: 5, cooldownMs: 30_000 };

/** Closed -> open after N consecutive failures -> half-open after the cooldown -> closed on success. */
export class CircuitBreaker {
  private consecutive = 0;
  private openedAt: number | undefined;
  private trial = false;

  constructor(
    private readonly options: BreakerOptions,
    private readonly clock: Clock = realClock,
  ) {}

  /** Whether a call may go ahead now. In half-open state only one trial call is let through. */
  allow(): boolean {
    if (this.openedAt === undefined) return true;
    if (this.clock.now() - this.openedAt < this.options.cooldownMs || this.trial) return false;
    this.trial = true;
    return true;
  }

  get state(): 'closed' | 'open' | 'half-open' {
    if (this.openedAt === undefined) return 'closed';
    return this.clock.now() - this.openedAt < this.options.cooldownMs ? 'open' : 'half-open';
  }

  success(): void {
    this.consecutive = 0;
    this.openedAt = undefined;
    this.trial = false;
  }

  failure(): void {
    this.consecutive += 1;
    if (this.trial || this.consecutive >= this.options.failures) this.openedAt = this.clock.now();
    this.trial = false;
  }
}
