/**
 * `firebreak deliveries`: the messages the ledger still holds open — failed (kept with their
 * rendering and sent again by the next run), left `sending` by a run that died, or queued for a
 * digest — and `--drop KEY` to give one up.
 */
import type { DeliveryLedger, DeliveryRecord, DeliveryStatus } from '../notify/ledger.js';
import { terminalLine } from './format/safe.js';

/** The statuses listed: what is not settled yet. */
export const OPEN_STATUSES: readonly DeliveryStatus[] = ['failed', 'sending', 'queued'];

/** What a listing shows of a record: everything but the rendered message and the digest view. */
export function listed(r: DeliveryRecord): Record<string, unknown> {
  const { rendered: _rendered, view: _view, ...rest } = r;
  return rest;
}

function line(r: DeliveryRecord): string {
  const what = r.fingerprint === '' ? `digest ${r.period ?? ''}` : `${r.kind} ${r.fingerprint.slice(0, 12)}`;
  const tries = r.attempts > 0 ? ` after ${r.attempts} attempt(s)` : '';
  const error = r.error === undefined ? '' : `: ${r.error}`;
  return terminalLine(`${r.status.padEnd(8)} ${r.channel} ${r.recipient} ${what} ${r.severity} ${r.at}${tries}${error}\n         key ${r.key}`);
}

export interface DeliveriesIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** Lists open deliveries, or drops the ones named; returns the exit status. */
export function runDeliveries(ledger: DeliveryLedger, options: { format: 'text' | 'json'; drop: readonly string[]; where: string }, io: DeliveriesIo): number {
  try {
    if (options.drop.length > 0) {
      let missing = 0;
      for (const key of options.drop) {
        if (ledger.drop(key)) {
          io.stdout.write(options.format === 'json' ? `${JSON.stringify({ dropped: key })}\n` : `dropped ${terminalLine(key)}\n`);
        } else {
          missing += 1;
          io.stderr.write(`firebreak: no delivery with key ${terminalLine(JSON.stringify(key))} in ${options.where}\n`);
        }
      }
      return missing > 0 ? 2 : 0;
    }
    const open = OPEN_STATUSES.flatMap((s) => ledger.byStatus(s));
    for (const r of open) io.stdout.write(options.format === 'json' ? `${JSON.stringify(listed(r))}\n` : `${line(r)}\n`);
    const counts = OPEN_STATUSES.map((s) => `${open.filter((r) => r.status === s).length} ${s}`).join(', ');
    io.stderr.write(`firebreak: deliveries in ${options.where}: ${counts}\n`);
    return 0;
  } finally {
    ledger.close();
  }
}
