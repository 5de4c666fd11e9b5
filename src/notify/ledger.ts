/**
 * The delivery ledger: what was sent where, so a message goes out at most once per (finding
 * fingerprint, channel, recipient, revision); where the first alert of a finding went, so updates
 * thread under it; which messages failed (kept with their exact rendering for retry); and which
 * findings wait for a digest. In memory, or in a JSON Lines file that survives restarts.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SeverityLabel } from '../findings/model.js';
import type { Rendered } from './types.js';
import type { FindingView, MessageKind } from './view.js';

/**
 * Where a message stands. `digested`: a queued finding that went out in a digest. `sending`: handed
 * to the service and not yet answered; found after a crash, it is sent again with the same id.
 */
export type DeliveryStatus = 'sent' | 'failed' | 'queued' | 'suppressed' | 'digested' | 'sending';

/** One entry of the ledger. */
export interface DeliveryRecord {
  key: string;
  kind: MessageKind | 'thread';
  channel: string;
  recipient: string;
  /** Empty for digests. */
  fingerprint: string;
  revision: string;
  severity: SeverityLabel;
  count: number;
  status: DeliveryStatus;
  /** ISO time of the last change. */
  at: string;
  attempts: number;
  /** The service's id for the message (Slack `ts`, Message-ID), for threading. */
  ref?: string;
  error?: string;
  /** Failed messages: exactly what to send again. */
  rendered?: Rendered;
  /** Queued digest items: what the digest lists. */
  view?: FindingView;
  /** Digest items: the period they belong to. */
  period?: string;
  /** Threads: the finding reported its resolution and a resolved update went out. */
  closed?: boolean;
}

/** Storage of delivery records. */
export interface DeliveryLedger {
  get(key: string): DeliveryRecord | undefined;
  put(record: DeliveryRecord): void;
  /** Records with `status`, oldest first. */
  byStatus(status: DeliveryStatus): DeliveryRecord[];
  close(): void;
}

/** Keys of the ledger: one per delivered message, one per thread, one per queued digest item. */
export const ledgerKey = {
  message: (fingerprint: string, channel: string, recipient: string, revision: string) => `msg|${fingerprint}|${channel}|${recipient}|${revision}`,
  thread: (fingerprint: string, channel: string, recipient: string) => `thread|${fingerprint}|${channel}|${recipient}`,
  digestItem: (fingerprint: string, channel: string, recipient: string) => `item|${fingerprint}|${channel}|${recipient}`,
  digest: (channel: string, recipient: string, period: string) => `digest|${channel}|${recipient}|${period}`,
};

/** A ledger that lives as long as the process. */
export class MemoryLedger implements DeliveryLedger {
  protected readonly records = new Map<string, DeliveryRecord>();

  get(key: string): DeliveryRecord | undefined {
    return this.records.get(key);
  }

  put(record: DeliveryRecord): void {
    // Re-inserting keeps "oldest first" meaning "least recently changed first".
    this.records.delete(record.key);
    this.records.set(record.key, record);
  }

  byStatus(status: DeliveryStatus): DeliveryRecord[] {
    return [...this.records.values()].filter((r) => r.status === status);
  }

  close(): void {}
}

/**
 * A ledger kept in a JSON Lines file: each change is appended (and survives a crash right after
 * it); opening replays the file, the last line per key winning, and rewrites it compactly when
 * it has grown to more than twice the live records.
 */
export class FileLedger extends MemoryLedger {
  constructor(private readonly file: string) {
    super();
    let lines = 0;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      mkdirSync(dirname(file), { recursive: true });
    }
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      lines += 1;
      try {
        const record = JSON.parse(line) as DeliveryRecord;
        if (typeof record.key === 'string') super.put(record);
      } catch {
        // A line cut short by a crash mid-write: everything before it still counts.
      }
    }
    if (lines > 2 * this.records.size + 100) this.compact();
  }

  override put(record: DeliveryRecord): void {
    super.put(record);
    appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }

  private compact(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, [...this.records.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(tmp, this.file);
  }
}
