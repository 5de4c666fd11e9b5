import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { startReceiver } from '../notify/support.js';

const work = mkdtempSync(join(tmpdir(), 'firebreak-notify-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const samples = runCli(['samples']).stdout;

describe('triage --notify --outbox', () => {
  it('with no configuration renders every channel type: .eml for e-mail, exact JSON bodies, .txt for SMS', async () => {
    const outbox = join(work, 'preview');
    const r = runCli(['triage', '--notify', '--outbox', outbox, '--format', 'json'], samples);
    expect(r.status).toBe(0);
    // Triage output is unchanged by --notify.
    expect(r.stdout.trim().split('\n').every((l) => 'finding' in (JSON.parse(l) as object))).toBe(true);
    expect(r.stderr).toMatch(/notifications: \d+ written/);
    expect(readdirSync(outbox).sort()).toEqual(['email', 'pagerduty', 'slack', 'sms', 'sns', 'teams', 'webhook']);
    const ext = (dir: string) => [...new Set(readdirSync(join(outbox, dir)).map((f) => f.split('.').pop()))];
    expect(ext('email')).toEqual(['eml']);
    expect(ext('sms')).toEqual(['txt']);
    for (const dir of ['slack', 'teams', 'webhook', 'pagerduty', 'sns']) expect(ext(dir)).toEqual(['json']);
    const eml = readFileSync(join(outbox, 'email', readdirSync(join(outbox, 'email'))[0] as string));
    const mail = await simpleParser(eml);
    expect(mail.subject).toMatch(/^\[firebreak\] (CRITICAL|HIGH|MEDIUM|LOW|INFORMATIONAL): /);
    expect(mail.text).toContain('WHAT HAPPENED');
    expect(mail.html).toContain('Open in the AWS console');
    expect(eml.toString()).toContain('\r\n');
    const slack = JSON.parse(readFileSync(join(outbox, 'slack', readdirSync(join(outbox, 'slack'))[0] as string), 'utf8')) as { channel: string; blocks: unknown[] };
    expect(slack.channel).toBe('#security-alerts');
    expect(slack.blocks.length).toBeGreaterThan(3);
    // PagerDuty pages only for CRITICAL findings.
    for (const f of readdirSync(join(outbox, 'pagerduty'))) {
      expect((JSON.parse(readFileSync(join(outbox, 'pagerduty', f), 'utf8')) as { payload: { severity: string } }).payload.severity).toBe('critical');
    }
  });

  it('--style email-draft writes the draft e-mail signed by the friendly troubleshooter', () => {
    const outbox = join(work, 'draft');
    const r = runCli(['triage', '--outbox', outbox, '--channel', 'email', '--style', 'email-draft', '--format', 'json'], samples);
    expect(r.status).toBe(0);
    expect(readdirSync(outbox)).toEqual(['email']);
    const eml = readFileSync(join(outbox, 'email', readdirSync(join(outbox, 'email'))[0] as string), 'utf8');
    expect(eml).toContain('Hello team,');
    expect(eml).toContain('Your Friendly Troubleshooter');
  });

  it('--style email-draft names the resource as the finding gives it, even one no id could be read from', () => {
    const finding = {
      SchemaVersion: '2018-10-08',
      Id: 'partner-finding-1',
      ProductArn: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
      GeneratorId: 'partner-scanner',
      AwsAccountId: '123456789012',
      CreatedAt: '2026-11-24T10:00:00Z',
      UpdatedAt: '2026-11-24T10:00:00Z',
      Severity: { Label: 'HIGH' },
      Title: 'Weak cipher on appliance',
      Description: 'The appliance accepts a weak cipher.',
      Resources: [{ Type: 'Other', Id: 'appliance-7 (rack 4, datacenter east)' }],
    };
    const r = runCli(['triage', '--style', 'email-draft'], JSON.stringify(finding));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('Resource: Other appliance-7 (rack 4, datacenter east)');
  });
});

describe('firebreak notify', () => {
  it('sends through the configured channel, prints one outcome per message, and never sends twice', async () => {
    const hook = await startReceiver();
    try {
      const dir = mkdtempSync(join(work, 'cfg-'));
      const config = join(dir, 'firebreak.yaml');
      writeFileSync(config, `channels:\n  siem:\n    type: webhook\n    url: \${HOOK_URL}/in\n    secret: \${HOOK_SECRET}\n  chat:\n    type: teams\n    url: ${hook.url}/teams\n`);
      const env = { HOOK_URL: hook.url, HOOK_SECRET: 'sixteen-chars-or-more' };
      const input = join(dir, 'findings.jsonl');
      writeFileSync(input, samples);
      const first = await runCliAsync(['notify', input, '--config', config, '--channel', 'siem', '--format', 'json'], undefined, env);
      expect(first.stderr).toMatch(/notifications: \d+ sent/);
      expect(first.status).toBe(0);
      const outcomes = first.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; channel: string });
      const sent = outcomes.filter((o) => o.status === 'sent').length;
      expect(sent).toBeGreaterThan(5);
      expect(outcomes.every((o) => o.channel === 'siem')).toBe(true);
      expect(hook.requests).toHaveLength(sent);
      expect(hook.requests.every((r) => r.path === '/in' && typeof r.headers['x-firebreak-signature'] === 'string')).toBe(true);
      // The ledger beside the configuration remembers: a second run sends nothing.
      const again = await runCliAsync(['notify', input, '--config', config, '--channel', 'siem', '--format', 'json'], undefined, env);
      expect(again.status).toBe(0);
      expect(again.stdout).not.toContain('"status":"sent"');
      expect(hook.requests).toHaveLength(sent);
      // The state file remembers it, and holds neither the webhook URL nor the signing secret.
      const state = readFileSync(join(dir, '.firebreak', 'firebreak.sqlite'));
      expect(state.includes(hook.url)).toBe(false);
      expect(state.includes('sixteen-chars-or-more')).toBe(false);
      expect(first.stdout + first.stderr).not.toContain(hook.url);
    } finally {
      await hook.close();
    }
  });

  it('fails with file, line and column for a bad configuration, and names unknown channels', () => {
    const dir = mkdtempSync(join(work, 'bad-'));
    const config = join(dir, 'firebreak.yaml');
    writeFileSync(config, 'channels:\n  ops:\n    type: slack\n    token: xoxb-1\n    chanel: C1\n  mail:\n    type: email\n    from: a@example.com\n');
    const r = runCli(['notify', '--config', config], samples);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${config}:5:5: channels.ops: Unrecognized key: "chanel"`);
    expect(r.stderr).toMatch(new RegExp(`${config.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:7:5: channels\\.mail\\.smtp: required, expected object`));
    writeFileSync(config, 'channels:\n  ops:\n    type: webhook\n    url: ${NOT_SET_ANYWHERE}\n');
    expect(runCli(['notify', '--config', config], samples).stderr).toContain(`${config}:4:10: environment variable NOT_SET_ANYWHERE is not set`);
    writeFileSync(config, 'channels:\n  ops:\n    type: webhook\n    url: https://hooks.example.com/x\n');
    expect(runCli(['notify', '--config', config, '--channel', 'nope'], samples).stderr).toContain('--channel "nope" is not configured; channels: ops');
    const none = runCli(['notify', '--config', join(dir, 'missing.yaml')], samples);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('missing.yaml: cannot read the configuration');
  });

  it('triage --notify exits 1 when a delivery fails, names it, and keeps it for the next run', async () => {
    const hook = await startReceiver(() => ({ status: 400, body: 'bad request' }));
    try {
      const dir = mkdtempSync(join(work, 'fail-'));
      const config = join(dir, 'firebreak.yaml');
      writeFileSync(config, `channels:\n  siem:\n    type: webhook\n    url: ${hook.url}/in\n`);
      const r = await runCliAsync(['triage', '--notify', '--config', config, '--format', 'json', '-'], samples);
      expect(r.status).toBe(1);
      expect(r.stdout.trim().split('\n').length).toBeGreaterThan(5);
      // The webhook is shown by its channel and logical recipient, never by its URL.
      expect(r.stderr).toMatch(/firebreak: failed +siem alert default [0-9a-f]{12}: webhook answered 400: bad request/);
      expect(r.stderr).not.toContain(hook.url);
      expect(r.stderr).toContain(`failed messages are kept in ${join(dir, '.firebreak', 'firebreak.sqlite')} and retried on the next run`);
      const listed = runCli(['deliveries', '--config', config, '--format', 'json']);
      const failures = listed.stdout.trim().split('\n').map((l) => JSON.parse(l) as { status: string; recipient: string });
      expect(failures.length).toBe(hook.requests.length);
      expect(failures.every((f) => f.status === 'failed' && f.recipient === 'default')).toBe(true);
    } finally {
      await hook.close();
    }
  });
});
