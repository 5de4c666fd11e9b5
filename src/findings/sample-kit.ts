/** Helpers shared by the sample generators: stable hex from a seed, times, and the EventBridge envelope. */
import { createHash } from 'node:crypto';

/** Options for sample generation. */
export interface SampleOptions {
  account?: string;
  region?: string;
  /** Timestamp of the samples; defaults to now. */
  now?: Date;
  /** Distinguishes several samples of one type. */
  variant?: number;
}

type Json = Record<string, unknown>;

/** `length` hex digits derived from `seed`: the same seed always gives the same id. */
export function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i += 1) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
}

/** Account, region, times and variant of a sample, defaults filled in. */
export function base(opts: SampleOptions): { account: string; region: string; now: string; earlier: string; variant: number } {
  const now = opts.now ?? new Date();
  return {
    account: opts.account ?? '123456789012',
    region: opts.region ?? 'us-east-1',
    now: now.toISOString(),
    earlier: new Date(now.getTime() - 3 * 3600_000).toISOString(),
    variant: opts.variant ?? 0,
  };
}

/** An EventBridge event around `detail`. */
export function envelope(detailType: string, source: string, account: string, region: string, time: string, detail: Json, resources: string[] = []): Json {
  const id = hex(`${detailType}${JSON.stringify(detail).length}${time}`, 32);
  return {
    version: '0',
    id: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
    'detail-type': detailType,
    source,
    account,
    time,
    region,
    resources,
    detail,
  };
}
