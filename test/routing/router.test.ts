import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseYamlConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { controlFinding, guardDutyFinding, securityHubEvent } from '../../src/findings/samples.js';
import { observe, settle } from '../../src/routing/dedupe.js';
import { eventOf } from '../../src/routing/event.js';
import { Router } from '../../src/routing/router.js';
import { MemoryStore, SqliteStore, type Store, StoreError } from '../../src/store/index.js';
import { compilePattern, matchesPattern } from '../../src/routing/pattern/index.js';

const dir = mkdtempSync(join(tmpdir(), 'firebreak-routing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NOW = new Date('2026-11-20T10:00:00Z');

/** A normalized GuardDuty finding of `type`, on `instanceId`, seen at `at`, with the given severity and count. */
function gd(type: string, o: { instanceId?: string; at?: string; severity?: number; count?: number; account?: string; tags?: Record<string, string> } = {}): Finding {
  const detail = guardDutyFinding(type, { now: NOW, ...(o.account === undefined ? {} : { account: o.account }) }) as Record<string, any>;
  const details = detail.resource.instanceDetails;
  if (o.instanceId !== undefined && details !== undefined) details.instanceId = o.instanceId;
  if (o.tags !== undefined && details !== undefined) details.tags = Object.entries(o.tags).map(([key, value]) => ({ key, value }));
  if (o.at !== undefined) {
    detail.updatedAt = o.at;
    detail.service.eventLastSeen = o.at;
  }
  if (o.severity !== undefined) detail.severity = o.severity;
  if (o.count !== undefined) detail.service.count = o.count;
  const [finding] = normalizeRecord({ 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail }, 'test');
  if (finding === undefined || finding instanceof Error) throw finding ?? new Error('no finding');
  return finding;
}

function control(id: string, label = 'HIGH'): Finding {
  const [finding] = normalizeRecord(securityHubEvent([controlFinding(id, { now: NOW, severity: label })], { now: NOW }), 'test');
  if (finding === undefined || finding instanceof Error) throw finding ?? new Error('no finding');
  return finding;
}

const SETTINGS = { realertAfter: 24 * 3_600_000, incidentWindow: 3_600_000 };

/** Observes `finding` and, as a run that delivered its alert would, records the alert. */
function told(store: Store, finding: Finding) {
  const result = observe(store, finding, SETTINGS);
  settle(store, finding.fingerprint, result);
  return result;
}

describe('the EventBridge event of a finding', () => {
  it('puts a GuardDuty finding in detail and a Security Hub finding alone in detail.findings', () => {
    const g = gd('UnauthorizedAccess:EC2/SSHBruteForce', { severity: 8 });
    const ge = eventOf(g);
    expect(ge).toMatchObject({ source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', account: g.account, region: g.region });
    expect(matchesPattern(compilePattern({ source: ['aws.guardduty'], detail: { severity: [{ numeric: ['>=', 7] }], type: [{ prefix: 'UnauthorizedAccess:' }] } }), ge)).toBe(true);
    const s = control('S3.8', 'CRITICAL');
    const se = eventOf(s);
    expect(se).toMatchObject({ source: 'aws.securityhub', 'detail-type': 'Security Hub Findings - Imported' });
    expect(matchesPattern(compilePattern({ detail: { findings: { Severity: { Label: ['CRITICAL'] }, Compliance: { SecurityControlId: ['S3.8'] } } } }), se)).toBe(true);
  });
});

describe.each([
  ['memory', () => new MemoryStore()],
  ['sqlite', () => new SqliteStore(join(dir, `contract-${Math.random().toString(36).slice(2)}.db`))],
] as const)('de-duplication and incidents with the %s store', (_name, open) => {
  it('alerts on a new finding, suppresses a repeat, alerts on escalation and after the re-alert interval', () => {
    const store: Store = open();
    try {
      const first = told(store, gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T10:00:00.000Z', severity: 5, count: 1 }));
      expect(first).toMatchObject({ status: 'new', alert: true, occurrences: 1, count: 1 });
      const repeat = told(store, gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T12:00:00.000Z', severity: 5, count: 7 }));
      expect(repeat).toMatchObject({ status: 'repeat', alert: false, occurrences: 2, count: 7, lastSeen: '2026-11-20T12:00:00.000Z' });
      const up = told(store, gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T13:00:00.000Z', severity: 8, count: 9 }));
      expect(up).toMatchObject({ status: 'escalated', alert: true, occurrences: 3, count: 9 });
      // An out-of-order, older update neither alerts nor moves the record back in time.
      const old = told(store, gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T11:00:00.000Z', severity: 8, count: 2 }));
      expect(old).toMatchObject({ status: 'repeat', alert: false, count: 9, lastSeen: '2026-11-20T13:00:00.000Z' });
      const later = told(store, gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-21T13:00:00.000Z', severity: 8 }));
      expect(later).toMatchObject({ status: 'reminder', alert: true, occurrences: 5 });
      expect(first.incident.id).toBe(later.incident.id);
    } finally {
      store.close();
    }
  });

  it('a resolved finding closes its open alert once, never raises one, and a live one after it is reopened', () => {
    const store: Store = open();
    const resolved = (f: Finding): Finding => ({ ...f, resolved: 'GuardDuty archived it (service.archived is true)' });
    try {
      expect(told(store, gd('Backdoor:EC2/Spambot', { at: '2026-11-20T10:00:00.000Z' }))).toMatchObject({ status: 'new', alert: true });
      expect(told(store, resolved(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T11:00:00.000Z' })))).toMatchObject({ status: 'resolved', alert: true });
      expect(told(store, resolved(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T12:00:00.000Z' })))).toMatchObject({ status: 'resolved', alert: false });
      expect(told(store, gd('Backdoor:EC2/Spambot', { at: '2026-11-20T13:00:00.000Z' }))).toMatchObject({ status: 'reopened', alert: true, occurrences: 4 });
      // Resolved at first sight: nothing to close, nothing to raise.
      expect(told(store, resolved(gd('Trojan:EC2/DNSDataExfiltration', { at: '2026-11-20T10:00:00.000Z' })))).toMatchObject({ status: 'resolved', alert: false });
    } finally {
      store.close();
    }
  });

  it('records an alert only once it was delivered: undelivered, the next sighting is still new; delivered, a repeat', () => {
    const store: Store = open();
    try {
      const f = (at: string) => gd('Backdoor:EC2/Spambot', { at });
      // A preview, a triage without --notify, or a run killed before sending: decided, not delivered.
      expect(observe(store, f('2026-11-20T10:00:00.000Z'), SETTINGS)).toMatchObject({ status: 'new', alert: true, occurrences: 1 });
      const second = observe(store, f('2026-11-20T10:05:00.000Z'), SETTINGS);
      expect(second).toMatchObject({ status: 'new', alert: true, occurrences: 2 });
      settle(store, f('2026-11-20T10:05:00.000Z').fingerprint, second);
      expect(store.getFinding(f('2026-11-20T10:05:00.000Z').fingerprint)).toMatchObject({ alertedAt: '2026-11-20T10:05:00.000Z', resolvedAt: null });
      expect(observe(store, f('2026-11-20T10:10:00.000Z'), SETTINGS)).toMatchObject({ status: 'repeat', alert: false, occurrences: 3 });
    } finally {
      store.close();
    }
  });

  it('a router counts an alert decided earlier in the run as told, until it is delivered or the run ends', () => {
    const store: Store = open();
    try {
      const router = new Router({ routes: [], mutes: [], dedupe: SETTINGS }, store, () => NOW.getTime());
      const first = router.route(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T10:00:00.000Z' }));
      expect(first).toMatchObject({ alert: true, dedupe: { status: 'new' } });
      expect(router.route(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T10:01:00.000Z' }))).toMatchObject({ alert: false, dedupe: { status: 'repeat' } });
      expect(store.getFinding(gd('Backdoor:EC2/Spambot').fingerprint)?.alertedAt).toBeNull();
      // A new run (a new router) that was never told of a delivery decides afresh.
      const next = new Router({ routes: [], mutes: [], dedupe: SETTINGS }, store, () => NOW.getTime());
      const again = next.route(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T10:02:00.000Z' }));
      expect(again).toMatchObject({ alert: true, dedupe: { status: 'new', occurrences: 3 } });
      next.delivered(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T10:02:00.000Z' }), again);
      expect(new Router({ routes: [], mutes: [], dedupe: SETTINGS }, store, () => NOW.getTime()).route(gd('Backdoor:EC2/Spambot', { at: '2026-11-20T10:03:00.000Z' }))).toMatchObject({ alert: false, dedupe: { status: 'repeat' } });
    } finally {
      store.close();
    }
  });

  it('groups findings about one instance within the window into one incident, and only those', () => {
    const store: Store = open();
    try {
      const ssh = observe(store, gd('UnauthorizedAccess:EC2/SSHBruteForce', { instanceId: 'i-0abc', at: '2026-11-20T10:00:00.000Z' }), SETTINGS);
      const mining = observe(store, gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { instanceId: 'i-0abc', at: '2026-11-20T10:40:00.000Z' }), SETTINGS);
      expect(ssh.incident).toMatchObject({ new: true, findings: 1 });
      expect(mining.incident).toEqual({ id: ssh.incident.id, findings: 2, new: false });
      expect(mining.alert).toBe(true);
      const otherInstance = observe(store, gd('Backdoor:EC2/C&CActivity.B!DNS', { instanceId: 'i-0def', at: '2026-11-20T10:45:00.000Z' }), SETTINGS);
      expect(otherInstance.incident.id).not.toBe(ssh.incident.id);
      const muchLater = observe(store, gd('Trojan:EC2/DNSDataExfiltration', { instanceId: 'i-0abc', at: '2026-11-20T13:00:00.000Z' }), SETTINGS);
      expect(muchLater.incident).toMatchObject({ new: true, findings: 1 });
      expect(store.getIncident(ssh.incident.id)).toMatchObject({ findings: 2, lastSeen: '2026-11-20T10:40:00.000Z' });
    } finally {
      store.close();
    }
  });
});

describe('the SQLite store', () => {
  it('survives a restart: findings, incidents and mute counts are still there, in WAL mode', () => {
    const path = join(dir, 'restart', 'state.db');
    const router = (store: Store) => new Router({ routes: [], mutes: [{ name: 'sandbox', reason: 'sandbox', expires: 'never', accounts: ['444455556666'] }], dedupe: SETTINGS }, store, () => NOW.getTime());
    const a = new SqliteStore(path);
    const r = router(a);
    const first = r.route(gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T10:00:00.000Z' }));
    r.delivered(gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T10:00:00.000Z' }), first);
    router(a).route(gd('Recon:EC2/PortProbeUnprotectedPort', { account: '444455556666' }));
    a.close();
    const b = new SqliteStore(path);
    try {
      const again = router(b).route(gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { at: '2026-11-20T11:00:00.000Z' }));
      expect(again.dedupe).toMatchObject({ status: 'repeat', alert: false, occurrences: 2, firstSeen: first.dedupe?.firstSeen });
      expect(again.dedupe?.incident.id).toBe(first.dedupe?.incident.id);
      expect(b.muteCounts()).toEqual({ sandbox: 1 });
      expect(b.getFinding(first.dedupe === null ? '' : gd('CryptoCurrency:EC2/BitcoinTool.B!DNS').fingerprint)).toMatchObject({ occurrences: 2 });
    } finally {
      b.close();
    }
    const c = new SqliteStore(path);
    try {
      expect((c as unknown as { db: { pragma(s: string, o: object): unknown } }).db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      c.close();
    }
  });

  it('upgrades a store of schema 1: a finding whose alert was closed is resolved, an alerted one stays alerted', () => {
    const path = join(dir, 'schema1.db');
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const old = new Database(path);
    old.exec(`CREATE TABLE findings (fingerprint TEXT PRIMARY KEY, type TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, count INTEGER NOT NULL,
      occurrences INTEGER NOT NULL, severity_label TEXT NOT NULL, severity_score REAL NOT NULL, alerted_at TEXT, alerted_score REAL, incident_id TEXT NOT NULL);
      CREATE TABLE incidents (id TEXT PRIMARY KEY, resource_key TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, findings INTEGER NOT NULL, max_score REAL NOT NULL);
      CREATE TABLE mutes (rule TEXT NOT NULL, fingerprint TEXT NOT NULL, at TEXT NOT NULL);
      INSERT INTO findings VALUES ('closed', 'T', '2026-11-01', '2026-11-02', 1, 2, 'HIGH', 8, NULL, NULL, 'inc-1');
      INSERT INTO findings VALUES ('open', 'T', '2026-11-01', '2026-11-03', 1, 1, 'HIGH', 8, '2026-11-03', 8, 'inc-2');
      PRAGMA user_version = 1;`);
    old.close();
    const store = new SqliteStore(path);
    try {
      expect(store.getFinding('closed')).toMatchObject({ resolvedAt: '2026-11-02', alertedAt: null });
      expect(store.getFinding('open')).toMatchObject({ resolvedAt: null, alertedAt: '2026-11-03', alertedScore: 8 });
    } finally {
      store.close();
    }
    // Opening it again (as a second run would) changes nothing.
    const again = new SqliteStore(path);
    expect(again.getFinding('closed')?.resolvedAt).toBe('2026-11-02');
    again.close();
  });

  it('a store held by another run longer than the busy timeout fails with StoreBusy naming the file, not a raw driver error', () => {
    const path = join(dir, 'busy.db');
    new SqliteStore(path).close();
    const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
    const holder = new Database(path);
    holder.exec('BEGIN IMMEDIATE');
    const store = new SqliteStore(path, { busyTimeoutMs: 50 });
    try {
      expect(store.getFinding('x')).toBeUndefined();
      let error: unknown;
      try {
        observe(store, gd('Backdoor:EC2/Spambot'), SETTINGS);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'StoreBusy' });
      expect((error as Error).message).toContain(`${path}: another firebreak run held the store`);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
      store.close();
    }
  });

  it('refuses a file that is not a database with a clear error', () => {
    const path = join(dir, 'not-a-db.db');
    writeFileSync(path, 'this is not sqlite, just text that is long enough to look like a header.........');
    expect(() => new SqliteStore(path)).toThrow(/not-a-db.db: cannot open the SQLite store: file is not a database/);
  });
});

describe('routes and mutes', () => {
  const config = parseYamlConfig(
    `
teams: { payments: {} }
routes:
  - name: gd-high
    pattern: { source: [aws.guardduty], detail: { severity: [{ numeric: [">=", 7] }] } }
    analyst: hybrid
  - name: crypto
    pattern: { detail: { type: [{ prefix: "CryptoCurrency:" }] } }
    mode: auto
    owner: payments
  - name: controls
    pattern: { source: [aws.securityhub] }
    mode: notify
mutes:
  - { name: expired, reason: old, expires: 2026-01-01, accounts: ["123456789012"] }
  - { name: sandbox, reason: sandbox account, expires: never, accounts: ["444455556666"] }
  - { name: recon, reason: scanner, expires: 2027-01-01, types: ["Recon:EC2/*"] }
  - { name: s3-8, reason: accepted, expires: 2027-01-01, controls: [S3.8] }
  - { name: tagged, reason: pentest, expires: 2027-01-01, tags: { purpose: pentest } }
  - { name: instance, reason: decommissioning, expires: 2027-01-01, resources: ["i-0dead*"] }
  - { name: region, reason: unused region, expires: 2027-01-01, regions: [ap-east-1] }
`,
    'firebreak.yaml',
    configSchema,
    {},
  );
  const make = () => new Router(config, new MemoryStore(), () => NOW.getTime());

  it('applies every matching route in file order, and leaves unrouted findings unsent', () => {
    const router = make();
    const hit = router.route(gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { severity: 8 }));
    expect(hit.routes.map((r) => [r.name, r.mode, r.analyst, r.owner])).toEqual([
      ['gd-high', 'propose', 'hybrid', undefined],
      ['crypto', 'auto', undefined, 'payments'],
    ]);
    expect(hit.alert).toBe(true);
    const none = router.route(gd('Backdoor:EC2/C&CActivity.B!DNS', { severity: 5 }));
    expect(none).toMatchObject({ routes: [], alert: false, muted: null });
    expect(router.stats).toMatchObject({ findings: 2, alerts: 1, unrouted: 1, byRoute: { 'gd-high': 1, crypto: 1 } });
    expect(new Router({ routes: [], mutes: [] }).route(gd('Backdoor:EC2/C&CActivity.B!DNS')).alert).toBe(true);
  });

  it('mutes by account, type, control, tag, resource and region; expired rules hold nothing back; all counted', () => {
    const router = make();
    const muted = (f: Finding) => router.route(f).muted?.rule;
    expect(muted(gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { severity: 8 }))).toBeUndefined();
    expect(muted(gd('CryptoCurrency:EC2/BitcoinTool.B!DNS', { severity: 8, account: '444455556666' }))).toBe('sandbox');
    expect(muted(gd('Recon:EC2/PortProbeUnprotectedPort'))).toBe('recon');
    expect(muted(control('S3.8'))).toBe('s3-8');
    expect(muted(control('S3.1'))).toBeUndefined();
    expect(muted(gd('Backdoor:EC2/C&CActivity.B!DNS', { tags: { purpose: 'pentest', team: 'red' } }))).toBe('tagged');
    expect(muted(gd('Backdoor:EC2/C&CActivity.B!DNS', { instanceId: 'i-0deadbeef' }))).toBe('instance');
    const sample = gd('Backdoor:EC2/C&CActivity.B!DNS');
    expect(muted({ ...sample, region: 'ap-east-1' })).toBe('region');
    const decision = router.route(gd('Recon:EC2/PortProbeUnprotectedPort', { severity: 8 }));
    expect(decision).toMatchObject({ alert: false, dedupe: null, muted: { rule: 'recon', reason: 'scanner', expires: '2027-01-01' } });
    expect(decision.routes.map((r) => r.name)).toEqual(['gd-high']);
    expect(router.muteCounts()).toEqual({ sandbox: 1, recon: 2, 's3-8': 1, tagged: 1, instance: 1, region: 1 });
    expect(router.expiredMutes().map((m) => m.name)).toEqual(['expired']);
  });
});
