import { describe, expect, it } from 'vitest';
import { knownControls, knownTypes } from '../../src/analysis/playbooks/coverage.js';
import { runCli } from '../helpers/cli.js';

describe('firebreak catalog', () => {
  it('prints coverage counts for GuardDuty types and Security Hub controls', () => {
    const r = runCli(['catalog']);
    expect(r.status).toBe(0);
    const total = knownTypes().length;
    expect(r.stdout).toContain(`GuardDuty finding types: ${total} of ${total} covered (100%)`);
    expect(r.stdout).toContain(`Security Hub controls: ${knownControls().length} of ${knownControls().length} covered (100%)`);
    expect(r.stdout).toMatch(/Runtime Monitoring\s+42 \/ 42/);
    expect(r.stdout).toMatch(/custom-rule\s+25 \/ 25/);
    expect(r.stdout).toMatch(/CRITICAL\s+29 \/ 29\s+100%/);
    expect(r.stdout).toMatch(/HIGH\s+73 \/ 73\s+100%/);
    expect(r.stdout).toMatch(/MEDIUM\s+275 \/ 275\s+100%/);
    expect(r.stdout).toMatch(/LOW\s+205 \/ 205\s+100%/);
    expect(r.stdout).toMatch(/EC2::SecurityGroup\s+10 \/ 10\s+100%/);
  });

  it('gives the same numbers as JSON, with one entry per type and control on --list', () => {
    const r = runCli(['catalog', '--format', 'json', '--list']);
    expect(r.status).toBe(0);
    const c = JSON.parse(r.stdout) as {
      playbooks: number;
      guardduty: { total: { known: number; covered: number } };
      entries: { source: string; id: string; playbookId: string | null }[];
    };
    expect(c.guardduty.total).toEqual({ known: knownTypes().length, covered: knownTypes().length });
    expect(c.entries).toHaveLength(knownTypes().length + knownControls().length);
    expect(c.entries.find((e) => e.id === 'UnauthorizedAccess:EC2/SSHBruteForce')?.playbookId).toBe('ec2-ssh-brute-force');
    expect(c.entries.find((e) => e.id === 'S3Object:S3/MaliciousFile')?.playbookId).toBe('s3-malware-object');
    expect(c.playbooks).toBeGreaterThan(50);
  });

  it('lists only what is missing with --missing, filtered by --source', () => {
    const gd = runCli(['catalog', '--source', 'guardduty', '--missing']);
    expect(gd.status).toBe(0);
    expect(gd.stdout).toContain('Not covered (0)');
    expect(gd.stdout).not.toContain('Security Hub controls');
    const sh = runCli(['catalog', '--source', 'securityhub', '--missing']);
    expect(sh.stdout).not.toContain('GuardDuty finding types');
    expect(sh.stdout).toContain('Not covered (0)');
    expect(sh.stdout).not.toContain('WorkSpaces.1');
    expect(sh.stdout).not.toMatch(/^\s+S3\.2\s/m);
    const bad = runCli(['catalog', '--source', 'inspector']);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--source.*inspector.*guardduty, securityhub/s);
  });
});
