/**
 * The delivery ledger: what was sent where, so a message goes out at most once per (finding
 * fingerprint, channel, recipient, revision); where the first alert of a finding went, so updates
 * thread under it; which messages failed (kept with their exact rendering for retry); and which
 * findings wait for a digest. In memory for one run, or in the SQLite store, where concurrent
 * runs share it: a message is claimed atomically before it is sent, so two runs never both send
 * it. (`FileLedger`, JSON Lines, serves only when the SQLite driver is missing; it is not safe
 * for concurrent runs.)
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import type { SeverityLabel } from '../findings/model.js';
import type { SqliteStore } from '../store/sqlite.js';
import type { Rendered } from './types.js';
import type { FindingView, MessageKind } from './view.js';

/**
 * Where a message stands. `digested`: a queued finding that went out in a digest. `sending`:
 * claimed by a run and not yet answered; when that run is gone (a crash), the next run sends it
 * again with the same id, so receivers that dedupe see it once.
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
  /** `sending`: the run that claimed it (`host:pid:start`). */
  owner?: string;
}

/** This process, as the owner of the messages it claims. */
export const RUN_OWNER = `${hostname()}:${process.pid}:${Date.now().toString(36)}`;

/** How long a claim by a run on another host holds before it is taken to be abandoned. */
export const FOREIGN_CLAIM_MS = 15 * 60_000;

/** Whether the run that claimed a message is gone (so the claim may be taken over). */
export function claimAbandoned(record: DeliveryRecord, now = Date.now()): boolean {
  const owner = record.owner;
  if (owner === undefined) return true;
  if (owner === RUN_OWNER) return false;
  const [host, pid] = owner.split(':');
  if (host !== hostname()) return now - Date.parse(record.at) > FOREIGN_CLAIM_MS;
  if (Number(pid) === process.pid) return true;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    // EPERM: the process exists and belongs to someone else.
    return (err as NodeJS.ErrnoException).code !== 'EPERM';
  }
}

/** Whether a message in `record`'s state may be (re)sent by this run. */
export function claimable(record: DeliveryRecord | undefined): boolean {
  return record === undefined || record.status === 'failed' || (record.status === 'sending' && claimAbandoned(record));
}

/** The claim itself (see `DeliveryLedger.claim`); atomic when run inside the ledger's transaction. */
function takeClaim(ledger: Pick<DeliveryLedger, 'get' | 'put'>, record: DeliveryRecord): DeliveryRecord | undefined {
  const standing = ledger.get(record.key);
  if (!claimable(standing)) return standing;
  ledger.put({ ...record, status: 'sending', owner: RUN_OWNER });
  return undefined;
}

/** Storage of delivery records. */
export interface DeliveryLedger {
  get(key: string): DeliveryRecord | undefined;
  put(record: DeliveryRecord): void;
  /**
   * Atomically claims `record.key` for this run: when no message stands there (none, failed, or
   * left `sending` by a run that is gone) it stores `record` as `sending` owned by this run and
   * returns undefined; otherwise it changes nothing and returns the record that stands.
   */
  claim(record: DeliveryRecord): DeliveryRecord | undefined;
  /** Records with `status`, least recently changed first. */
  byStatus(status: DeliveryStatus): DeliveryRecord[];
  /** Removes a record; false when there was none. */
  drop(key: string): boolean;
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

  claim(record: DeliveryRecord): DeliveryRecord | undefined {
    return takeClaim(this, record);
  }

  byStatus(status: DeliveryStatus): DeliveryRecord[] {
    return [...this.records.values()].filter((r) => r.status === status);
  }

  /** Every record, least recently changed first. */
  all(): DeliveryRecord[] {
    return [...this.records.values()];
  }

  drop(key: string): boolean {
    return this.records.delete(key);
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
        const record = JSON.parse(line) as DeliveryRecord & { dropped?: boolean };
        if (typeof record.key !== 'string') continue;
        if (record.dropped === true) this.records.delete(record.key);
        else super.put(record);
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

  override drop(key: string): boolean {
    if (!super.drop(key)) return false;
    appendFileSync(this.file, `${JSON.stringify({ key, dropped: true })}\n`);
    return true;
  }

  private compact(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, [...this.records.values()].map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(tmp, this.file);
  }
}

interface DeliveryRow {
  record: string;
}

/**
 * The ledger in the SQLite store: one row per message, thread and digest item, shared by every
 * run on the store. Claims are immediate transactions, so of two runs about to send one message,
 * exactly one does.
 */
export class SqliteLedger implements DeliveryLedger {
  private readonly stmts;

  constructor(private readonly store: SqliteStore) {
    const db = store.database;
    this.stmts = {
      get: db.prepare<[string], DeliveryRow>('SELECT record FROM deliveries WHERE key = ?'),
      put: db.prepare('INSERT INTO deliveries (key, status, owner, at, record) VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET status = excluded.status, owner = excluded.owner, at = excluded.at, record = excluded.record'),
      byStatus: db.prepare<[string], DeliveryRow>('SELECT record FROM deliveries WHERE status = ? ORDER BY at, key'),
      drop: db.prepare('DELETE FROM deliveries WHERE key = ?'),
      count: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM deliveries'),
    };
  }

  get(key: string): DeliveryRecord | undefined {
    const row = this.store.guard('reading the delivery ledger', () => this.stmts.get.get(key));
    return row === undefined ? undefined : (JSON.parse(row.record) as DeliveryRecord);
  }

  put(record: DeliveryRecord): void {
    this.store.guard('recording a delivery', () => this.stmts.put.run(record.key, record.status, record.owner ?? null, record.at, JSON.stringify(record)));
  }

  claim(record: DeliveryRecord): DeliveryRecord | undefined {
    return this.store.transaction(() => takeClaim(this, record));
  }

  byStatus(status: DeliveryStatus): DeliveryRecord[] {
    return this.store.guard('reading the delivery ledger', () => this.stmts.byStatus.all(status)).map((r) => JSON.parse(r.record) as DeliveryRecord);
  }

  drop(key: string): boolean {
    return this.store.guard('dropping a delivery', () => this.stmts.drop.run(key)).changes > 0;
  }

  /** Whether the ledger holds nothing yet (for importing an older JSON Lines ledger). */
  isEmpty(): boolean {
    return this.store.guard('reading the delivery ledger', () => this.stmts.count.get()?.n ?? 0) === 0;
  }

  close(): void {
    this.store.close();
  }
}
