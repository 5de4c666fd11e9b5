import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { fixture, fixtureText } from '../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'firebreak-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (stdout: string): Record<string, any>[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

describe('firebreak triage --format json', () => {
  it('prints one line per record, errors with code, message and input, and exits 2', () => {
    const gd = { 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: fixture('guardduty-finding-detail-ec2-aws-samples.json') };
    const sh = fixture('securityhub-findings-imported-event-control-EC2.7.json');
    const missingType = structuredClone(gd);
    delete (missingType.detail as Record<string, unknown>).type;
    const file = join(dir, 'mixed.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify(gd),
        '{"detail-type": "GuardDuty Finding", "detail": ',
        JSON.stringify(sh),
        JSON.stringify(missingType),
        JSON.stringify({ 'detail-type': 'AWS API Call via CloudTrail', detail: {} }),
        '42',
        fixtureText('inspector2-finding-ec2-network-reachability.json').replace(/\s*\n\s*/g, ' '),
      ].join('\n'),
    );
    const r = runCli(['triage', '--format', 'json', file]);
    expect(r.status).toBe(2);
    const out = lines(r.stdout);
    expect(out).toHaveLength(7);
    expect(out.map((o) => (o.error === undefined ? 'ok' : o.error.code))).toEqual(['ok', 'InvalidJson', 'ok', 'MissingField', 'UnsupportedEvent', 'NotAnObject', 'ok']);
    expect(out[1]).toEqual({ error: { code: 'InvalidJson', message: expect.stringContaining(`${file} line 2: not valid JSON`) }, input: { file, index: 1, line: 2 } });
    expect(out[3]?.error.message).toContain('field "detail.type" is required but missing');
    expect(out[3]?.input).toEqual({ file, index: 3, line: 4 });
    expect(out[0]?.finding.raw).toBeUndefined();
    expect(out[0]?.finding.type).toBe('Canary:EC2/Stateless.IntegTest');
    expect(out[0]?.analysis).toMatchObject({ analyst: 'playbook', playbookId: null, actions: [] });
    expect(out[2]?.analysis).toMatchObject({ analyst: 'playbook', playbookId: 'control-ec2.7', actions: [{ action: 'ec2:enable-ebs-default-encryption', target: '111111111111', risk: 'harden' }] });
    expect(out[2]?.analysis.iac.terraform).toContain('aws_ebs_encryption_by_default');
    expect(r.stderr).toContain('4 input record(s) rejected');
  });

  it('exits 0 when every record is processed, reading gzip from stdin', () => {
    const input = gzipSync(JSON.stringify([fixture('securityhub-asff-control-finding-S3.8.json'), fixture('securityhub-asff-guardduty-finding-SSHBruteForce.json')]));
    const r = runCli(['triage', '--format', 'json'], input);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => o.analysis.playbookId)).toEqual(['control-s3.8', 'ec2-ssh-brute-force']);
    expect(out[0]?.analysis.actions).toEqual([{ action: 's3:block-public-access', target: 'example', risk: 'contain', reason: expect.any(String) }]);
    expect(out[1]?.analysis.actions).toEqual([{ action: 'ec2:block-ip-nacl', target: '199.241.229.197', risk: 'contain', reason: expect.any(String) }]);
  });

  it('exits 2 naming a missing file, and still triages the others', () => {
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(fixture('securityhub-asff-control-finding-S3.8.json')));
    const r = runCli(['triage', '--format', 'json', join(dir, 'nope.json'), good]);
    expect(r.status).toBe(2);
    const out = lines(r.stdout);
    expect(out[0]?.error.code).toBe('UnreadableInput');
    expect(out[0]?.error.message).toContain('no such file');
    expect(out[1]?.analysis.playbookId).toBe('control-s3.8');
  });
});

describe('firebreak triage, text and markdown', () => {
  it('renders text without colour when not a TTY', () => {
    const r = runCli(['triage'], JSON.stringify(fixture('securityhub-asff-guardduty-finding-SSHBruteForce.json')));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('UnauthorizedAccess:EC2/SSHBruteForce');
    expect(r.stdout).toContain('What happened');
    expect(r.stdout).toContain('ec2:block-ip-nacl → 199.241.229.197');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toMatch(/1 finding\(s\) from 1 record\(s\), 0 rejected/);
  });

  it('renders markdown with escaped finding text and fenced commands', () => {
    const f = fixture('securityhub-asff-control-finding-S3.8.json');
    f.Title = 'S3.8 <img src=x onerror=alert(1)> [click](javascript:alert(1))';
    const r = runCli(['triage', '--format', 'markdown'], JSON.stringify(f));
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('## HIGH: S3.8 \\<img src=x onerror=alert\\(1\\)\\> \\[click\\]\\(javascript:alert\\(1\\)\\)');
    expect(r.stdout).toContain('```sh');
    expect(r.stdout).toContain('```hcl');
    expect(r.stdout).toContain('- `s3:block-public-access` on `example` (contain)');
  });

  it('rejects an unknown format', () => {
    const r = runCli(['triage', '--format', 'xml'], '');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("argument 'xml' is invalid");
  });
});

describe('firebreak samples and demo', () => {
  it('writes sample events that triage reads back without errors', () => {
    const s = runCli(['samples', '--type', 'UnauthorizedAccess:EC2/SSHBruteForce', 'Backdoor:EC2/C&CActivity.B', '--control', 'EC2.18', '--account', '210987654321']);
    expect(s.status).toBe(0);
    const events = lines(s.stdout);
    expect(events.map((e) => e['detail-type'])).toEqual(['GuardDuty Finding', 'GuardDuty Finding', 'Security Hub Findings - Imported']);
    expect(events[0]?.detail.type).toBe('UnauthorizedAccess:EC2/SSHBruteForce');
    expect(events[0]?.account).toBe('210987654321');
    const t = runCli(['triage', '--format', 'json'], s.stdout);
    expect(t.status).toBe(0);
    expect(lines(t.stdout).map((o) => o.analysis.playbookId)).toEqual(['ec2-ssh-brute-force', 'ec2-instance-compromise', 'control-ec2.18']);
  });

  it('--all covers every source and every catalog entry', () => {
    const s = runCli(['samples', '--all']);
    const t = runCli(['triage', '--format', 'json'], s.stdout);
    expect(t.status).toBe(0);
    const out = lines(t.stdout);
    expect(new Set(out.map((o) => o.finding.source))).toEqual(new Set(['guardduty', 'securityhub', 'inspector', 'macie', 'config']));
    const ids = new Set(out.map((o) => o.analysis.playbookId));
    for (const id of ['ec2-instance-compromise', 'ec2-ssh-brute-force', 'iam-instance-credential-exfiltration', 's3-bucket-public-access', 'control-ec2.18', 'control-s3.8', 'control-ec2.7', 'control-cloudtrail.2']) {
      expect(ids).toContain(id);
    }
  });

  it('rejects a malformed type or account with a clear message', () => {
    const r = runCli(['samples', '--type', 'not a type']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--type "not a type" is not a GuardDuty finding type');
    expect(runCli(['samples', '--account', '12']).stderr).toContain('is not a 12-digit AWS account id');
  });

  it('demo triages the bundled samples offline', () => {
    const r = runCli(['demo', '--format', 'json']);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    expect(out.length).toBe(12);
    expect(out.filter((o) => o.analysis.playbookId !== null).length).toBeGreaterThanOrEqual(9);
    const text = runCli(['demo']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('12 finding(s) from 9 record(s), 0 rejected');
  });
});

describe('a CLI that behaves in pipes and on mistakes', () => {
  /** Runs `firebreak args` with stdout piped into a reader that closes after `bytes` bytes, as `| head -c` does. */
  function intoHead(args: string[], input: string | undefined, bytes: number): Promise<{ status: number | null; stderr: string; read: number }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] });
      let read = 0;
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.on('data', (c: Buffer) => {
        read += c.length;
        // Like head: once it has what it wants, it closes its end of the pipe.
        if (read >= bytes) child.stdout.destroy();
      });
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.on('error', reject);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr, read });
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(input);
    });
  }

  it('exits quietly when the reader of its output goes away (| head)', async () => {
    const all = runCli(['samples', '--all']).stdout;
    // Enough input that the output overflows the pipe many times over.
    const big = Array.from({ length: 8 }, () => all).join('');
    for (const [args, input] of [[['triage'], big], [['triage', '--format', 'json'], big], [['samples', '--all'], undefined]] as const) {
      const r = await intoHead([...args], input, 1000);
      expect(r.stderr, args.join(' ')).not.toMatch(/EPIPE|Error|at .*:\d+:\d+/);
      expect(r.status, args.join(' ')).toBe(0);
    }
  });

  it('says on stderr when the input holds no records', () => {
    const r = runCli(['triage'], '\n  \n');
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('firebreak: no records to triage: stdin is empty or blank');
  });

  it('a missing @file is UnreadableInput, not InvalidJson', () => {
    const r = runCli(['test-pattern', '--pattern', '{"source": ["aws.guardduty"]}', '--event', `@${join(dir, 'missing.json')}`]);
    expect(r.status).toBe(2);
    const line = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    expect(line.error.code).toBe('UnreadableInput');
    expect(line.error.message).toContain('cannot read the file (ENOENT)');
  });

  it('points an option mistake at the subcommand help', () => {
    const r = runCli(['triage', '--bogus'], '');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('(run "firebreak triage --help" for its options)');
    expect(runCli(['samples', '--nope']).stderr).toContain('firebreak samples --help');
  });

  it('samples refuses an unknown type or control with the closest known names', () => {
    const r = runCli(['samples', '--type', 'UnauthorizedAccess:EC2/SSHBrute']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('the closest are: UnauthorizedAccess:EC2/SSHBruteForce');
    expect(r.stdout).toBe('');
    expect(runCli(['samples', '--control', 'EC2.999']).stderr).toMatch(/the closest are: EC2\.9\b/);
  });
});
