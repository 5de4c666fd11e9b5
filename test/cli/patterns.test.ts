import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { fixture, guardDutyEvent } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'firebreak-patterns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (stdout: string): Record<string, any>[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('firebreak test-pattern', () => {
  const event = guardDutyEvent(fixture('guardduty-finding-detail-ec2-aws-samples.json'));

  it('answers {"Result": true|false} for a GuardDuty severity rule, with pattern and event from files', () => {
    const pattern = join(dir, 'high.json');
    writeFileSync(pattern, JSON.stringify({ source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], detail: { severity: [{ numeric: ['>=', 7] }] } }));
    const eventFile = join(dir, 'event.json');
    const severity = (event.detail as { severity: number }).severity;
    writeFileSync(eventFile, JSON.stringify(event));
    const hit = runCli(['test-pattern', '--pattern', `@${pattern}`, '--event', `@${eventFile}`]);
    expect(hit.status).toBe(0);
    expect(JSON.parse(hit.stdout)).toEqual({ Result: severity >= 7 });
    const low = runCli(['test-pattern', '--pattern', JSON.stringify({ detail: { severity: [{ numeric: ['<', severity] }] } }), '--event', `@${eventFile}`]);
    expect(JSON.parse(low.stdout)).toEqual({ Result: false });
    expect(low.stderr).toBe('');
  });

  it('refuses an invalid pattern with AWS\'s reason, the key and exit 2', () => {
    const r = runCli(['test-pattern', '--pattern', '{"detail": {"severity": [{"numerc": [">=", 7]}]}}', '--event', JSON.stringify(event)]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { code: 'InvalidEventPattern', message: 'Event pattern is not valid. Reason: Unrecognized match type numerc at key "detail.severity" (line 1, column 26)' } });
  });

  it('notes the envelope fields TestEventPattern would require, and still answers', () => {
    const r = runCli(['test-pattern', '--pattern', '{"a": ["x"]}', '--event', '{"a": "x"}']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ Result: true });
    expect(r.stderr).toMatch(/requires the event fields id, account, source, time, region, resources, detail-type/);
    const bad = runCli(['test-pattern', '--pattern', '{"a": ["x"]}', '--event', '{"a": ']);
    expect(bad.status).toBe(2);
    expect(JSON.parse(bad.stdout).error.code).toBe('InvalidJson');
    const missing = runCli(['test-pattern', '--pattern', '@/nonexistent/p.json', '--event', '{}']);
    expect(missing.status).toBe(2);
    const line = JSON.parse(missing.stdout) as { error: { code: string; message: string } };
    expect(line.error.code).toBe('UnreadableInput');
    expect(line.error.message).toMatch(/--pattern @\/nonexistent\/p.json: cannot read the file \(ENOENT\)/);
  });
});

describe('firebreak match', () => {
  const rules = {
    'sh-high-new': { source: ['aws.securityhub'], detail: { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] }, Workflow: { Status: ['NEW'] } } } },
    'gd-high': { source: ['aws.guardduty'], detail: { severity: [{ numeric: ['>=', 7] }] } },
    'any-finding': { source: [{ prefix: 'aws.' }] },
    'as-string': '{"detail-type": ["GuardDuty Finding"]}',
  };

  it('prints the sorted names of every rule each event hits, in input order, and errors for non-objects', () => {
    const file = join(dir, 'rules.json');
    writeFileSync(file, JSON.stringify(rules));
    const sh = fixture('securityhub-findings-imported-event-control-EC2.7.json');
    const gd = guardDutyEvent({ ...fixture('guardduty-finding-detail-ec2-aws-samples.json'), severity: 8 });
    const input = [JSON.stringify(gd), JSON.stringify(sh), '"text"', JSON.stringify({ source: 'custom' })].join('\n');
    const r = runCli(['match', '--rules', file], input);
    expect(r.status).toBe(2);
    const out = lines(r.stdout);
    expect(out[0]).toEqual({ rules: ['any-finding', 'as-string', 'gd-high'] });
    type ShFinding = { Severity: { Label: string }; Workflow?: { Status: string } };
    const label = (sh.detail as { findings: ShFinding[] }).findings[0] as ShFinding;
    const expected = ['HIGH', 'CRITICAL'].includes(label.Severity.Label) && label.Workflow?.Status === 'NEW' ? ['any-finding', 'sh-high-new'] : ['any-finding'];
    expect(out[1]).toEqual({ rules: expected });
    expect(out[2]).toMatchObject({ error: { code: 'NotAnObject' }, input: { file: '-', index: 2, line: 3 } });
    expect(out[3]).toEqual({ rules: [] });
    expect(out).toHaveLength(4);
  });

  it('stops before matching when a rule is invalid, naming the rule and the position in RULES.json', () => {
    const file = join(dir, 'bad-rules.json');
    writeFileSync(file, '{\n  "ok": {"a": ["x"]},\n  "broken": {"a": [{"anything-but": ["x", 1]}]}\n}\n');
    const r = runCli(['match', '--rules', file], '{"a": "x"}\n');
    expect(r.status).toBe(2);
    expect(lines(r.stdout)).toEqual([
      { error: { code: 'InvalidEventPattern', rule: 'broken', message: 'Event pattern is not valid. Reason: Inside anything but list, either all values are number or string, mixed type is not supported at key "a" (line 3, column 37)' } },
    ]);
  });

  it('reads files, JSON arrays and JSON Lines like triage, and exits 0 when every event was read', () => {
    const file = join(dir, 'rules3.json');
    writeFileSync(file, JSON.stringify({ a: { n: [{ numeric: ['>', 1] }] }, b: { n: [1, 2] } }));
    const events = join(dir, 'events.json');
    writeFileSync(events, JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]));
    const r = runCli(['match', '--rules', file, events]);
    expect(r.status).toBe(0);
    expect(lines(r.stdout)).toEqual([{ rules: ['b'] }, { rules: ['a', 'b'] }, { rules: ['a'] }]);
  });
});
