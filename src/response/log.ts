/**
 * The audit trail of the response engine: every execution (and every refusal) with who approved
 * it, the plan, before, after, verification and rollback; and the approvals bound to plan hashes.
 * Executions are keyed by (fingerprint, action, target): starting one checks, in the same
 * transaction, that no other holds the key and that the account's hourly blast radius has room,
 * so two runs at once never execute one action twice.
 */
import type { SqliteStore } from '../store/sqlite.js';
import type { Risk } from './actions/types.js';
import type { Plan } from './plan.js';

/** Where an execution is. `refused` ones are decisions on record; they hold no key. */
export type ExecutionStatus = 'running' | 'succeeded' | 'failed' | 'refused' | 'rolled-back';

/** What a rollback did. */
export interface RollbackRecord {
  status: 'rolled-back' | 'failed';
  at: string;
  by: string;
  reason: string;
  calls: Plan['calls'];
  verified: boolean;
}

/** Which action, on which target, for which finding, where: what a plan and an execution both name. */
export interface ActionSubject {
  finding: string;
  fingerprint: string;
  action: string;
  target: string;
  account: string;
  region: string;
}

/** One execution of an action on a target, as recorded. */
export interface ExecutionRecord extends ActionSubject {
  id: string;
  /** `fingerprint action target`, the idempotency key. */
  key: string;
  risk: Risk;
  status: ExecutionStatus;
  reason: string;
  /** Who or what approved it: `cli:user@host`, `policy:auto (route …)`. */
  approvedBy: string | null;
  planHash: string | null;
  plan: Plan | null;
  /** The state read just before executing, and after (null until it ran). */
  before: unknown;
  after: unknown;
  /** What the calls returned, by name (ids of created resources). */
  outputs: Record<string, unknown>;
  /** The finding's structured ids the action used (a rollback needs them again). */
  ids?: Record<string, string | readonly string[] | undefined>;
  verified: boolean;
  verification: string;
  /** For a failed execution: whether what it had done was undone. */
  compensated?: boolean;
  rollback?: RollbackRecord;
  /** The run that holds it while running: `host:pid:start`. */
  owner: string;
  createdAt: string;
  updatedAt: string;
}

/** An approval, bound to one plan hash, until it expires. */
export interface Approval {
  planHash: string;
  key: string;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
}

/** The outcome of trying to start an execution. */
export type Begin = { started: true } | { duplicate: ExecutionRecord } | { blastRadius: number };

/** Statuses that hold the key: a repeat of one of these is a duplicate. */
export const HOLDS_KEY: readonly ExecutionStatus[] = ['running', 'succeeded', 'rolled-back'];

/** Whether an execution counts towards the blast radius: it ran calls that change things. */
const counts = (r: ExecutionRecord): boolean => r.status !== 'refused' && (r.plan?.calls.length ?? 0) > 0;

/** The audit trail and approvals. */
export interface ExecutionLog {
  get(id: string): ExecutionRecord | undefined;
  /** The newest execution holding `key`, if any. */
  holder(key: string): ExecutionRecord | undefined;
  put(record: ExecutionRecord): void;
  /** Records `record` as running unless its key is held or the account had `limit` executions since `since`. */
  begin(record: ExecutionRecord, limit: number, since: string): Begin;
  /** Every record, oldest first. */
  all(): ExecutionRecord[];
  approve(approval: Approval): void;
  approval(planHash: string): Approval | undefined;
  close(): void;
}

/** The log of one run, in memory. */
export class MemoryExecutionLog implements ExecutionLog {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly approvals = new Map<string, Approval>();

  get(id: string): ExecutionRecord | undefined {
    return this.records.get(id);
  }

  holder(key: string): ExecutionRecord | undefined {
    return [...this.records.values()].reverse().find((r) => r.key === key && HOLDS_KEY.includes(r.status));
  }

  put(record: ExecutionRecord): void {
    this.records.set(record.id, structuredClone(record));
  }

  begin(record: ExecutionRecord, limit: number, since: string): Begin {
    const held = this.holder(record.key);
    if (held !== undefined) return { duplicate: held };
    const n = [...this.records.values()].filter((r) => r.account === record.account && r.createdAt >= since && counts(r)).length;
    if (n >= limit) return { blastRadius: n };
    this.put(record);
    return { started: true };
  }

  all(): ExecutionRecord[] {
    return [...this.records.values()];
  }

  approve(approval: Approval): void {
    this.approvals.set(approval.planHash, approval);
  }

  approval(planHash: string): Approval | undefined {
    return this.approvals.get(planHash);
  }

  close(): void {}
}

interface Row {
  record: string;
}

/** The log in the SQLite state file, shared by every run and the service. */
export class SqliteExecutionLog implements ExecutionLog {
  private readonly stmts;

  constructor(private readonly store: SqliteStore) {
    const db = store.database;
    this.stmts = {
      get: db.prepare<[string], Row>('SELECT record FROM executions WHERE id = ?'),
      holder: db.prepare<[string], Row>(`SELECT record FROM executions WHERE key = ? AND status IN (${HOLDS_KEY.map((s) => `'${s}'`).join(', ')}) ORDER BY created_at DESC LIMIT 1`),
      put: db.prepare(
        `INSERT INTO executions (id, key, account, status, counts, created_at, record) VALUES (@id, @key, @account, @status, @counts, @createdAt, @record)
         ON CONFLICT (id) DO UPDATE SET status = excluded.status, counts = excluded.counts, record = excluded.record`,
      ),
      recent: db.prepare<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM executions WHERE account = ? AND created_at >= ? AND counts = 1'),
      all: db.prepare<[], Row>('SELECT record FROM executions ORDER BY created_at, id'),
      approve: db.prepare('INSERT INTO approvals (plan_hash, key, expires_at, record) VALUES (?, ?, ?, ?) ON CONFLICT (plan_hash) DO UPDATE SET expires_at = excluded.expires_at, record = excluded.record'),
      approval: db.prepare<[string], Row>('SELECT record FROM approvals WHERE plan_hash = ?'),
    };
  }

  private parse(row: Row | undefined): ExecutionRecord | undefined {
    return row === undefined ? undefined : (JSON.parse(row.record) as ExecutionRecord);
  }

  get(id: string): ExecutionRecord | undefined {
    return this.parse(this.store.guard('reading executions', () => this.stmts.get.get(id)));
  }

  holder(key: string): ExecutionRecord | undefined {
    return this.parse(this.store.guard('reading executions', () => this.stmts.holder.get(key)));
  }

  put(record: ExecutionRecord): void {
    this.store.guard('recording an execution', () => this.stmts.put.run({ id: record.id, key: record.key, account: record.account, status: record.status, counts: counts(record) ? 1 : 0, createdAt: record.createdAt, record: JSON.stringify(record) }));
  }

  begin(record: ExecutionRecord, limit: number, since: string): Begin {
    return this.store.transaction((): Begin => {
      const held = this.holder(record.key);
      if (held !== undefined) return { duplicate: held };
      const n = this.stmts.recent.get(record.account, since)?.n ?? 0;
      if (n >= limit) return { blastRadius: n };
      this.put(record);
      return { started: true };
    });
  }

  all(): ExecutionRecord[] {
    return this.store.guard('reading executions', () => this.stmts.all.all()).map((r) => JSON.parse(r.record) as ExecutionRecord);
  }

  approve(approval: Approval): void {
    this.store.guard('recording an approval', () => this.stmts.approve.run(approval.planHash, approval.key, approval.expiresAt, JSON.stringify(approval)));
  }

  approval(planHash: string): Approval | undefined {
    const row = this.store.guard('reading approvals', () => this.stmts.approval.get(planHash));
    return row === undefined ? undefined : (JSON.parse(row.record) as Approval);
  }

  close(): void {
    this.store.close();
  }
}
