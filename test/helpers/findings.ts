import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';

/** The first finding a record normalizes to; throws when it is rejected instead. */
export function normalizeOne(record: unknown): Finding {
  const [f] = normalizeRecord(record, 'test');
  if (f === undefined || f instanceof Error) throw new Error(`did not normalize: ${String(f)}`);
  return f;
}
