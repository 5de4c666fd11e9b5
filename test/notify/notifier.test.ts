import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channels/index.js';
import { channelSchema, teamSchema } from '../../src/notify/config.js';
import { FileLedger, RUN_OWNER, SqliteLedger } from '../../src/notify/ledger.js';
import { SqliteStore } from '../../src/store/index.js';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { Notifier, type NotifierOptions } from '../../src/notify/notifier.js';
import { analysed, fakeClock, type Receiver, startReceiver } from './support.js';

const receivers: Receiver[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A webhook channel to a local receiver; the receiver sees every message as JSON. */
async function setup(channel: Record<string, unknown>, extra: Partial<NotifierOptions> = {}): Promise<{ hook: Receiver; make: (more?: Partial<NotifierOptions>) => Notifier }> {
  const hook = await startReceiver();
  receivers.push(hook);
  const settings = channelSchema.parse({ type: 'webhook', url: `${hook.url}/default`, ...channel });
  const make = (more: Partial<NotifierOptions> = {}) => new Notifier({ channels: [{ channel: createChannel('hook', settings), settings }], retry: { retries: 1, baseMs: 1, maxMs: 2 }, clock: fakeClock(), ...extra, ...more });
  return { hook, make };
}

describe('notifier', () => {
  it('sends below-threshold findings nowhere and closed findings nowhere', async () => {
    const { hook, make } = await setup({ minSeverity: 'HIGH' });
    const n = make();
    const medium = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', {}, (f) => {
      f.severity = { label: 'MEDIUM', score: 5 };
    });
    expect((await n.notify(medium.finding, medium.analysis))[0]?.status).toBe('below-threshold');
    const resolved = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { variant: 3 }, (f) => {
      f.severity = { label: 'HIGH', score: 8 };
      f.workflowStatus = 'RESOLVED';
      f.resolved = 'its workflow status is RESOLVED';
    });
    expect((await n.notify(resolved.finding, resolved.analysis))[0]?.status).toBe('resolved');
    expect(hook.requests).toHaveLength(0);
  });

  it('closes an open alert with a resolved update in its thread, once; a resolved finding never raises a new alert', async () => {
    const { hook, make } = await setup({});
    const n = make();
    const open = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    expect((await n.notify(open.finding, open.analysis))[0]).toMatchObject({ kind: 'alert', status: 'sent' });
    const done = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { now: new Date('2026-11-24T11:00:00Z') }, (f) => {
      f.resolved = 'GuardDuty archived it (service.archived is true)';
    });
    expect((await n.notify(done.finding, done.analysis))[0]).toMatchObject({ kind: 'update', status: 'sent' });
    expect(hook.requests).toHaveLength(2);
    const update = JSON.parse(hook.requests[1]?.body ?? '{}') as { event: string; message: string; finding: { resolved: boolean; resolvedReason: string } };
    expect(update.event).toBe('finding.resolved');
    expect(update.message).toBe('Resolved: GuardDuty archived it (service.archived is true). No action needed.');
    expect(update.finding.resolved).toBe(true);
    // Seen resolved again: the thread is closed, nothing more is sent.
    const again = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { now: new Date('2026-11-24T12:00:00Z') }, (f) => {
      f.resolved = 'GuardDuty archived it (service.archived is true)';
    });
    expect((await n.notify(again.finding, again.analysis))[0]).toMatchObject({ status: 'resolved' });
    // Never alerted, then resolved: nothing to close, nothing sent.
    const other = await analysed('Recon:EC2/PortProbeUnprotectedPort', {}, (f) => {
      f.resolved = 'GuardDuty archived it (service.archived is true)';
    });
    expect((await n.notify(other.finding, other.analysis))[0]).toMatchObject({ status: 'resolved' });
    expect(hook.requests).toHaveLength(2);
    // Live again after it was resolved: an update in the same thread that says so.
    const back = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { now: new Date('2026-11-25T12:00:00Z') });
    expect((await n.notify(back.finding, back.analysis))[0]).toMatchObject({ kind: 'update', status: 'sent' });
    expect((JSON.parse(hook.requests[2]?.body ?? '{}') as { message: string }).message).toMatch(/^Reopened: /);
  });

  it('sends each team its own copy, by account or resource tag, and falls back to the channel default', async () => {
    const { hook, make } = await setup({});
    const teams = {
      payments: teamSchema.parse({ accounts: ['111122223333'], recipients: { hook: [`${hook.url}/payments`] } }),
      web: teamSchema.parse({ tags: { team: 'web' }, recipients: { hook: [`${hook.url}/web`] } }),
    };
    const n = make({ teams });
    const byAccount = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { account: '111122223333' });
    const byTag = await analysed('Recon:EC2/PortProbeUnprotectedPort', {}, (f) => {
      (f.resources[0] as { tags: Record<string, string> }).tags = { team: 'web', env: 'prod' };
    });
    const nobody = await analysed('UnauthorizedAccess:EC2/RDPBruteForce', { account: '444455556666' });
    for (const x of [byAccount, byTag, nobody]) await n.notify(x.finding, x.analysis);
    expect(hook.requests.map((r) => r.path)).toEqual(['/payments', '/web', '/default']);
    // A route naming its owner reaches that team even when account and tags do not match.
    await n.notify(nobody.finding, nobody.analysis, { team: 'payments' });
    expect(hook.requests.map((r) => r.path)).toEqual(['/payments', '/web', '/default', '/payments']);
  });

  it('names webhook recipients by logical id, retries with the URL configured now, and never shows a configured URL', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-ledger-'));
    dirs.push(dir);
    // The service echoes the path it was called on, as some do in their errors.
    const { hook, make } = await setup({});
    const failing = (path: string) => (path.includes('T0SECRET') ? { status: 404, body: `no hook at ${path}` } : { status: 200, body: 'ok' });
    const ledger = () => new SqliteLedger(new SqliteStore(join(dir, 'state.sqlite')));
    const teamsAt = (path: string) => ({ payments: teamSchema.parse({ accounts: ['111122223333'], recipients: { hook: [`${hook.url}${path}`, `${hook.url}/second`] } }) });
    hook.answers.push(failing('/payments/T0SECRET/B0SECRET'));
    const x = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { account: '111122223333' });
    const first = make({ teams: teamsAt('/payments/T0SECRET/B0SECRET'), ledger: ledger(), retry: { retries: 0, baseMs: 1, maxMs: 1 } });
    const outcomes = await first.notify(x.finding, x.analysis);
    await first.close();
    expect(outcomes.map((o) => [o.recipient, o.status])).toEqual([['team:payments', 'failed'], ['team:payments#2', 'sent']]);
    expect(outcomes[0]?.error).toMatch(/^webhook answered 404: no hook at …/);
    expect(JSON.stringify(outcomes)).not.toContain('SECRET');
    expect(readFileSync(join(dir, 'state.sqlite')).toString('latin1')).not.toContain('SECRET');
    // The team's URL is corrected: the kept message goes there, with its first delivery id.
    const second = make({ teams: teamsAt('/payments/fixed'), ledger: ledger() });
    expect((await second.retryFailed()).map((o) => [o.recipient, o.status])).toEqual([['team:payments', 'sent']]);
    await second.close();
    expect(hook.requests.map((r) => r.path)).toEqual(['/payments/T0SECRET/B0SECRET', '/second', '/payments/fixed']);
    expect(hook.requests[2]?.headers['x-firebreak-delivery']).toBe(hook.requests[0]?.headers['x-firebreak-delivery']);
    // A recipient no longer configured fails with how to give the message up.
    hook.answers.push(failing('/T0SECRET'));
    const y = await analysed('Recon:EC2/PortProbeUnprotectedPort', { account: '111122223333' });
    const third = make({ teams: teamsAt('/T0SECRET'), ledger: ledger(), retry: { retries: 0, baseMs: 1, maxMs: 1 } });
    await third.notify(y.finding, y.analysis);
    await third.close();
    const fourth = make({ ledger: ledger() });
    const gone = (await fourth.retryFailed())[0];
    await fourth.close();
    expect(gone).toMatchObject({ status: 'failed', recipient: 'team:payments' });
    expect(gone?.error).toMatch(/recipient team:payments is no longer configured on channel hook; drop the message with `firebreak deliveries --drop msg\|/);
  });

  it('a message claimed by a live run is not sent again; one left by a run that is gone is', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-ledger-'));
    dirs.push(dir);
    const { hook, make } = await setup({});
    const store = new SqliteStore(join(dir, 'state.sqlite'));
    const ledger = new SqliteLedger(store);
    const x = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const y = await analysed('Recon:EC2/PortProbeUnprotectedPort');
    const probe = make({ ledger: new SqliteLedger(new SqliteStore(join(dir, 'probe.sqlite'))), outbox: join(dir, 'outbox') });
    const keyOf = async (f: typeof x) => {
      const [o] = await probe.notify(f.finding, f.analysis);
      return `msg|${f.finding.fingerprint}|hook|default|${o?.revision}`;
    };
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const claim = (key: string, owner: string) => ({ key, kind: 'alert' as const, channel: 'hook', recipient: 'default', fingerprint: '', revision: '', severity: 'HIGH' as const, count: 1, status: 'sending' as const, at: new Date().toISOString(), attempts: 0, owner });
    ledger.put(claim(await keyOf(x), `${hostname()}:${process.ppid}:other-run`));
    ledger.put(claim(await keyOf(y), `${hostname()}:${dead}:crashed-run`));
    const n = make({ ledger });
    expect((await n.notify(x.finding, x.analysis))[0]?.status).toBe('duplicate');
    expect((await n.notify(y.finding, y.analysis))[0]?.status).toBe('sent');
    await n.close();
    expect(hook.requests).toHaveLength(1);
    expect(RUN_OWNER.startsWith(`${hostname()}:${process.pid}:`)).toBe(true);
  });

  it('delivers at most once per (fingerprint, channel, revision), across a restart of the ledger', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-ledger-'));
    dirs.push(dir);
    const file = join(dir, 'deliveries.jsonl');
    const { hook, make } = await setup({ updates: 'suppress' });
    const x = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const first = make({ ledger: new FileLedger(file) });
    expect((await first.notify(x.finding, x.analysis))[0]?.status).toBe('sent');
    await first.close();
    // A new process with the same ledger: the same finding is a duplicate, a later sighting an update (suppressed here).
    const second = make({ ledger: new FileLedger(file) });
    expect((await second.notify(x.finding, x.analysis))[0]?.status).toBe('duplicate');
    x.finding.count += 1;
    x.finding.lastSeen = '2026-11-24T12:00:00.000Z';
    expect((await second.notify(x.finding, x.analysis))[0]?.status).toBe('suppressed');
    // Escalation always goes out, even on a channel that suppresses updates.
    x.finding.severity = { label: 'CRITICAL', score: 9.5 };
    expect((await second.notify(x.finding, x.analysis))[0]).toMatchObject({ status: 'sent', kind: 'update' });
    await second.close();
    expect(hook.requests).toHaveLength(2);
    expect(JSON.parse(hook.requests[1]?.body ?? '{}')).toMatchObject({ event: 'finding.updated', finding: { escalated: true, severity: { label: 'CRITICAL' } } });
  });

  it('keeps a failed delivery in the ledger and sends it on the next run, once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-ledger-'));
    dirs.push(dir);
    const file = join(dir, 'deliveries.jsonl');
    const { hook, make } = await setup({});
    hook.answers.push({ status: 503 }, { status: 503 });
    const x = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const first = make({ ledger: new FileLedger(file) });
    expect((await first.notify(x.finding, x.analysis))[0]).toMatchObject({ status: 'failed', attempts: 2 });
    await first.close();
    expect(readFileSync(file, 'utf8')).toContain('"status":"failed"');
    const second = make({ ledger: new FileLedger(file) });
    expect((await second.retryFailed())[0]).toMatchObject({ status: 'sent', attempts: 3 });
    expect(await second.retryFailed()).toEqual([]);
    expect((await second.notify(x.finding, x.analysis))[0]?.status).toBe('duplicate');
    await second.close();
    expect(hook.requests).toHaveLength(3);
    expect(hook.requests[2]?.body).toBe(hook.requests[0]?.body);
  });

  it('collects lower-severity findings into one digest per period, and alerts at once above the digest line', async () => {
    const clock = fakeClock(Date.parse('2026-11-24T10:15:00Z'));
    const { hook, make } = await setup({ digest: { schedule: 'hourly', below: 'HIGH' } }, { clock });
    const n = make();
    const low = [];
    for (const type of ['Recon:EC2/PortProbeUnprotectedPort', 'UnauthorizedAccess:EC2/RDPBruteForce', 'Recon:EC2/Portscan']) {
      low.push(await analysed(type, {}, (f) => {
        f.severity = { label: 'MEDIUM', score: 5 };
      }));
    }
    for (const x of low) expect((await n.notify(x.finding, x.analysis))[0]?.status).toBe('queued');
    const high = await analysed('CryptoCurrency:EC2/BitcoinTool.B!DNS', {}, (f) => {
      f.severity = { label: 'HIGH', score: 8 };
    });
    expect((await n.notify(high.finding, high.analysis))[0]?.status).toBe('sent');
    // The hour has not ended: nothing yet. After it ends: one digest listing the three.
    expect(await n.flushDigests()).toEqual([]);
    clock.advance(60 * 60_000);
    const [digest] = await n.flushDigests();
    expect(digest).toMatchObject({ status: 'sent', kind: 'digest' });
    expect(await n.flushDigests(true)).toEqual([]);
    // A finding already digested is not queued again.
    expect((await n.notify(low[0]!.finding, low[0]!.analysis))[0]?.status).toBe('duplicate');
    await n.close();
    expect(hook.requests).toHaveLength(2);
    const body = JSON.parse(hook.requests[1]?.body ?? '{}') as { event: string; period: string; total: number; findings: { fingerprint: string }[] };
    expect(body).toMatchObject({ event: 'digest', period: '2026-11-24T10', total: 3 });
    expect(body.findings.map((f) => f.fingerprint).sort()).toEqual(low.map((x) => x.finding.fingerprint).sort());
  });

  it('sends only to the channels a route names, and refuses a channel that is not configured', async () => {
    const hook = await startReceiver();
    receivers.push(hook);
    const a = channelSchema.parse({ type: 'webhook', url: `${hook.url}/a` });
    const b = channelSchema.parse({ type: 'webhook', url: `${hook.url}/b` });
    const n = new Notifier({ channels: [{ channel: createChannel('a', a), settings: a }, { channel: createChannel('b', b), settings: b }], clock: fakeClock() });
    const x = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const outcomes = await n.notify(x.finding, x.analysis, { name: 'ssh', channels: ['b'], mode: 'notify' });
    expect(outcomes.map((o) => o.channel)).toEqual(['b']);
    expect(hook.requests.map((r) => r.path)).toEqual(['/b']);
    expect(JSON.parse(hook.requests[0]?.body ?? '{}')).toMatchObject({ route: 'ssh', analysis: { actions: [{ approval: 'not run: this route only notifies' }] } });
    await expect(n.notify(x.finding, x.analysis, { name: 'ssh', channels: ['c'] })).rejects.toThrow('route ssh names channel "c", which is not configured; configured: a, b');
  });

  it('sends again, with the same delivery id, a message a crashed run left in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-ledger-'));
    dirs.push(dir);
    const file = join(dir, 'deliveries.jsonl');
    const { hook, make } = await setup({});
    hook.answers.push({ status: 503 });
    const x = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const first = make({ ledger: new FileLedger(file), retry: { retries: 0, baseMs: 1, maxMs: 1 } });
    await first.notify(x.finding, x.analysis);
    await first.close();
    // As if the process died after handing the message over: the last record says "sending".
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const last = JSON.parse(lines[lines.length - 1] as string) as { status: string };
    expect(last.status).toBe('failed');
    writeFileSync(file, `${lines.slice(0, -1).join('\n')}\n${JSON.stringify({ ...last, status: 'sending' })}\n`);
    const second = make({ ledger: new FileLedger(file) });
    expect((await second.retryFailed())[0]).toMatchObject({ status: 'sent' });
    expect(await second.retryFailed()).toEqual([]);
    await second.close();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]?.headers['x-firebreak-delivery']).toBe(hook.requests[0]?.headers['x-firebreak-delivery']);
  });
});
