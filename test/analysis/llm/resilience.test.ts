import { describe, expect, it } from 'vitest';
import { asProviderError, ProviderError, retryAfterMs } from '../../../src/analysis/llm/provider.js';
import { backoffMs, CircuitBreaker, type Clock, RateLimiter, Semaphore, withRetry } from '../../../src/util/resilience.js';

/** A clock that only moves when something sleeps. */
function fakeClock(random = 0.5): Clock & { slept: number[]; t: number } {
  const c = {
    t: 0,
    slept: [] as number[],
    now: () => c.t,
    sleep: async (ms: number) => {
      c.slept.push(ms);
      c.t += ms;
    },
    random: () => random,
  };
  return c;
}

describe('retries', () => {
  it('backs off exponentially with full jitter, capped, and obeys Retry-After', () => {
    const opts = { retries: 5, baseMs: 500, maxMs: 4_000 };
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(n, opts, fakeClock(1)))).toEqual([500, 1000, 2000, 4000, 4000]);
    expect(backoffMs(3, opts, fakeClock(0.25))).toBe(1000);
    expect(backoffMs(0, opts, fakeClock(), 7_000)).toBe(7_000);
    expect(backoffMs(0, opts, fakeClock(), 600_000)).toBe(12_000);
  });

  it('parses Retry-After in seconds and as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0.5')).toBe(500);
    expect(retryAfterMs('Tue, 24 Nov 2026 06:00:10 GMT', Date.parse('2026-11-24T06:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });

  it('retries only retryable errors, as many times as allowed', async () => {
    const clock = fakeClock();
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw new ProviderError('throttled', true, 429, 250);
      }, { retries: 2, baseMs: 1, maxMs: 1_000 }, clock, asProviderError),
    ).rejects.toThrow('throttled');
    expect(calls).toBe(3);
    expect(clock.slept).toEqual([250, 250]);
    calls = 0;
    await expect(
      withRetry(async () => {
        calls += 1;
        throw new ProviderError('bad request', false, 400);
      }, { retries: 2, baseMs: 1, maxMs: 1 }, clock, asProviderError),
    ).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });
});

describe('limits', () => {
  it('never runs more than the limit at once, and runs everything', async () => {
    const sem = new Semaphore(2);
    let active = 0;
    let peak = 0;
    const done: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5, 6].map((n) =>
        sem.run(async () => {
          active += 1;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active -= 1;
          done.push(n);
        }),
      ),
    );
    expect(peak).toBe(2);
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(() => new Semaphore(0)).toThrow(RangeError);
  });

  it('spaces calls to the rate limit', async () => {
    const clock = fakeClock();
    const rate = new RateLimiter(120, clock);
    for (let i = 0; i < 4; i += 1) await rate.acquire();
    expect(clock.slept).toEqual([500, 500, 500]);
    const free = fakeClock();
    const none = new RateLimiter(0, free);
    for (let i = 0; i < 4; i += 1) await none.acquire();
    expect(free.slept).toEqual([]);
  });
});

describe('circuit breaker', () => {
  it('opens after N consecutive failures, lets one trial through after the cooldown, and closes on success', () => {
    const clock = fakeClock();
    const b = new CircuitBreaker({ failures: 3, cooldownMs: 1_000 }, clock);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    b.failure();
    expect(b.state).toBe('open');
    expect(b.allow()).toBe(false);
    clock.t += 1_000;
    expect(b.state).toBe('half-open');
    expect(b.allow()).toBe(true);
    expect(b.allow()).toBe(false);
    b.failure();
    expect(b.state).toBe('open');
    clock.t += 1_000;
    expect(b.allow()).toBe(true);
    b.success();
    expect(b.state).toBe('closed');
    expect(b.allow()).toBe(true);
  });
});
