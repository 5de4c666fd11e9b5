/**
 * The SQLite store (better-sqlite3, write-ahead log): what firebreak has seen survives restarts,
 * and several processes share it safely. Every write is a short immediate transaction (it takes
 * the write lock up front, so two runs queue behind the busy timeout instead of failing with
 * "database is locked" when a read would have to become a write); every driver error surfaces as
 * a coded `StoreError` naming the file.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { StoreError } from './errors.js';
import type { FindingRecord, IncidentRecord, Store } from './types.js';

const SCHEMA_VERSION = 3;

/** How long a run waits for another to release the write lock. */
export const BUSY_TIMEOUT_MS = 10_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS findings (
  fingerprint TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  count INTEGER NOT NULL,
  occurrences INTEGER NOT NULL,
  severity_label TEXT NOT NULL,
  severity_score REAL NOT NULL,
  alerted_at TEXT,
  alerted_score REAL,
  incident_id TEXT NOT NULL,
  resolved_at TEXT
);
CREATE TABLE IF NOT EXISTS incidents (
  id TEXT PRIMARY KEY,
  resource_key TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  last_seen TEXT NOT NULL,
  findings INTEGER NOT NULL,
  max_score REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS incidents_by_resource ON incidents (resource_key, last_seen);
CREATE TABLE IF NOT EXISTS mutes (
  rule TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS mutes_by_rule ON mutes (rule);
CREATE TABLE IF NOT EXISTS deliveries (
  key TEXT PRIMARY KEY,
  status TEXT NOT NULL,
  owner TEXT,
  at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS deliveries_by_status ON deliveries (status, at);
CREATE TABLE IF NOT EXISTS executions (
  id TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  account TEXT NOT NULL,
  status TEXT NOT NULL,
  counts INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_key ON executions (key, status);
CREATE INDEX IF NOT EXISTS executions_by_account ON executions (account, created_at);
CREATE TABLE IF NOT EXISTS approvals (
  plan_hash TEXT PRIMARY KEY,
  key TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  record TEXT NOT NULL
);
`;

/** From schema 1: resolved findings were those with neither alert time nor score. */
const MIGRATE_1_TO_2 = `
ALTER TABLE findings ADD COLUMN resolved_at TEXT;
UPDATE findings SET resolved_at = last_seen WHERE alerted_at IS NULL AND alerted_score IS NULL;
`;

interface FindingRow {
  fingerprint: string;
  type: string;
  first_seen: string;
  last_seen: string;
  count: number;
  occurrences: number;
  severity_label: string;
  severity_score: number;
  alerted_at: string | null;
  alerted_score: number | null;
  incident_id: string;
  resolved_at: string | null;
}

interface IncidentRow {
  id: string;
  resource_key: string;
  first_seen: string;
  last_seen: string;
  findings: number;
  max_score: number;
}

const incidentOf = (r: IncidentRow): IncidentRecord => ({ id: r.id, resourceKey: r.resource_key, firstSeen: r.first_seen, lastSeen: r.last_seen, findings: r.findings, maxScore: r.max_score });

/** Loads the driver, which is an optional dependency built at install time. */
function driver(): typeof BetterSqlite3 {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (err) {
    throw new StoreError('better-sqlite3 is not installed or not built for this Node.js; run `npm ci` again (it builds it) or use `dedupe: {store: memory}`', { cause: err });
  }
}

/** The driver's error code (`SQLITE_BUSY`, …), or '' for any other error. */
const sqliteCode = (err: unknown): string => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : '';
};

/** Whether the driver gave up waiting for another connection's lock. */
const isBusy = (err: unknown): boolean => /^SQLITE_(BUSY|LOCKED)/.test(sqliteCode(err));

/** A driver error as a coded `StoreError` naming the file and what was being done; other errors as they are. */
export function storeError(path: string, doing: string, err: unknown, waitedMs = BUSY_TIMEOUT_MS): Error {
  if (err instanceof StoreError || sqliteCode(err) === '') return err instanceof Error ? err : new Error(String(err));
  if (isBusy(err)) {
    return new StoreError(`${path}: another firebreak run held the store for more than ${waitedMs / 1000} s while ${doing}; try again when it has finished`, { cause: err, code: 'StoreBusy' });
  }
  return new StoreError(`${path}: ${doing}: ${(err as Error).message}`, { cause: err });
}

export class SqliteStore implements Store {
  private readonly db: BetterSqlite3.Database;
  private readonly stmts;

  private readonly busyTimeoutMs: number;

  /** Opens (creating or upgrading when needed) the database at `path`. */
  constructor(
    readonly path: string,
    options: { busyTimeoutMs?: number } = {},
  ) {
    const Database = driver();
    this.busyTimeoutMs = options.busyTimeoutMs ?? BUSY_TIMEOUT_MS;
    try {
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      this.db = new Database(path, { timeout: this.busyTimeoutMs });
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // Only a new or older store takes the write lock, and checks again inside it: two runs
      // opening one at once upgrade it once.
      const upgrade = (): void => {
        const version = this.db.pragma('user_version', { simple: true }) as number;
        if (version > SCHEMA_VERSION) throw new StoreError(`${path}: written by a newer firebreak (schema ${version}; this one knows ${SCHEMA_VERSION})`);
        if (version === SCHEMA_VERSION) return;
        if (version === 1) this.db.exec(MIGRATE_1_TO_2);
        this.db.exec(SCHEMA);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      };
      if ((this.db.pragma('user_version', { simple: true }) as number) !== SCHEMA_VERSION) this.db.transaction(upgrade).immediate();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      if (isBusy(err)) throw storeError(path, 'opening it', err, this.busyTimeoutMs);
      throw new StoreError(`${path}: cannot open the SQLite store: ${(err as Error).message}`, { cause: err });
    }
    this.stmts = {
      getFinding: this.db.prepare<[string], FindingRow>('SELECT * FROM findings WHERE fingerprint = ?'),
      putFinding: this.db.prepare(
        `INSERT INTO findings (fingerprint, type, first_seen, last_seen, count, occurrences, severity_label, severity_score, alerted_at, alerted_score, incident_id, resolved_at)
         VALUES (@fingerprint, @type, @firstSeen, @lastSeen, @count, @occurrences, @severityLabel, @severityScore, @alertedAt, @alertedScore, @incidentId, @resolvedAt)
         ON CONFLICT (fingerprint) DO UPDATE SET type = excluded.type, first_seen = excluded.first_seen, last_seen = excluded.last_seen, count = excluded.count,
           occurrences = excluded.occurrences, severity_label = excluded.severity_label, severity_score = excluded.severity_score,
           alerted_at = excluded.alerted_at, alerted_score = excluded.alerted_score, incident_id = excluded.incident_id, resolved_at = excluded.resolved_at`,
      ),
      markAlerted: this.db.prepare('UPDATE findings SET alerted_at = ?, alerted_score = ? WHERE fingerprint = ?'),
      recentIncident: this.db.prepare<[string, string], IncidentRow>('SELECT * FROM incidents WHERE resource_key = ? AND last_seen >= ? ORDER BY last_seen DESC LIMIT 1'),
      getIncident: this.db.prepare<[string], IncidentRow>('SELECT * FROM incidents WHERE id = ?'),
      putIncident: this.db.prepare(
        `INSERT INTO incidents VALUES (@id, @resourceKey, @firstSeen, @lastSeen, @findings, @maxScore)
         ON CONFLICT (id) DO UPDATE SET first_seen = excluded.first_seen, last_seen = excluded.last_seen, findings = excluded.findings, max_score = excluded.max_score`,
      ),
      countMute: this.db.prepare('INSERT INTO mutes VALUES (?, ?, ?)'),
      muteCounts: this.db.prepare<[], { rule: string; n: number }>('SELECT rule, COUNT(*) AS n FROM mutes GROUP BY rule ORDER BY rule'),
    };
  }

  /** The connection, for the delivery ledger kept in the same file. */
  get database(): BetterSqlite3.Database {
    return this.db;
  }

  /** Runs `fn`, turning driver errors into coded `StoreError`s. */
  guard<T>(doing: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw storeError(this.path, doing, err, this.busyTimeoutMs);
    }
  }

  getFinding(fingerprint: string): FindingRecord | undefined {
    const r = this.guard('reading a finding', () => this.stmts.getFinding.get(fingerprint));
    if (r === undefined) return undefined;
    return {
      fingerprint: r.fingerprint,
      type: r.type,
      firstSeen: r.first_seen,
      lastSeen: r.last_seen,
      count: r.count,
      occurrences: r.occurrences,
      severityLabel: r.severity_label,
      severityScore: r.severity_score,
      alertedAt: r.alerted_at,
      alertedScore: r.alerted_score,
      incidentId: r.incident_id,
      resolvedAt: r.resolved_at,
    };
  }

  putFinding(record: FindingRecord): void {
    this.guard('recording a finding', () => this.stmts.putFinding.run(record));
  }

  markAlerted(fingerprint: string, at: string | null, score: number | null): void {
    this.guard('recording a delivered alert', () => this.stmts.markAlerted.run(at, score, fingerprint));
  }

  recentIncident(resourceKey: string, since: string): IncidentRecord | undefined {
    const r = this.guard('reading incidents', () => this.stmts.recentIncident.get(resourceKey, since));
    return r === undefined ? undefined : incidentOf(r);
  }

  getIncident(id: string): IncidentRecord | undefined {
    const r = this.guard('reading an incident', () => this.stmts.getIncident.get(id));
    return r === undefined ? undefined : incidentOf(r);
  }

  putIncident(record: IncidentRecord): void {
    this.guard('recording an incident', () => this.stmts.putIncident.run(record));
  }

  countMute(rule: string, fingerprint: string, at: string): void {
    this.guard('counting a mute', () => this.stmts.countMute.run(rule, fingerprint, at));
  }

  muteCounts(): Record<string, number> {
    return Object.fromEntries(this.guard('reading mute counts', () => this.stmts.muteCounts.all()).map((r) => [r.rule, r.n]));
  }

  transaction<T>(fn: () => T): T {
    // Nested calls run inside the outer transaction (better-sqlite3 uses a savepoint).
    return this.guard('writing', () => this.db.transaction(fn).immediate());
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
