import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/fixtures.js';
import { IP_ADDRESS } from '../../src/response/actions/types.js';
import { UnknownActionError, getAction, listActions } from '../../src/response/registry.js';

const VOCABULARY = [
  'ec2:isolate-instance', 'ec2:snapshot-instance-volumes', 'ec2:revoke-public-ingress', 'ec2:block-ip-nacl', 'ec2:make-snapshot-private',
  'ec2:enable-ebs-default-encryption', 'ec2:stop-instance', 'iam:deactivate-access-key', 'iam:revoke-role-sessions', 'iam:quarantine-principal',
  'iam:delete-login-profile', 's3:block-public-access', 's3:block-account-public-access', 's3:require-tls', 'wafv2:block-ip',
  'rds:make-snapshot-private', 'rds:disable-public-access', 'lambda:remove-public-access', 'kms:enable-key-rotation', 'cloudtrail:enable-logging',
];

describe('action registry', () => {
  it('holds the whole vocabulary of the product brief', () => {
    expect(listActions().map((a) => a.name).sort()).toEqual([...VOCABULARY].sort());
  });

  it.each(listActions().map((a) => [a.name, a] as const))('%s declares its risk, rollback and IAM permissions', (name, a) => {
    expect(name).toMatch(/^[a-z0-9]+:[a-z]+(-[a-z]+)+$/);
    expect(['contain', 'harden', 'disruptive']).toContain(a.risk);
    expect(a.rollback.length).toBeGreaterThan(10);
    expect(a.permissions.length).toBeGreaterThan(0);
    for (const p of a.permissions) expect(p).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/);
  });

  it('keeps the risk classes of the brief', () => {
    expect(getAction('ec2:stop-instance').risk).toBe('disruptive');
    expect(getAction('iam:delete-login-profile').risk).toBe('disruptive');
    expect(getAction('ec2:isolate-instance').risk).toBe('contain');
    expect(getAction('ec2:revoke-public-ingress').risk).toBe('harden');
  });

  it('fails on an unknown name with the list of valid ones', () => {
    expect(() => getAction('ec2:nuke')).toThrow(UnknownActionError);
    expect(() => getAction('ec2:nuke')).toThrow(/valid actions: .*ec2:isolate-instance/);
  });

  it('accepts only real IP addresses as block targets', () => {
    for (const ok of ['198.51.100.7', '2001:db8::1', '10.0.0.1']) expect(IP_ADDRESS.test(ok), ok).toBe(true);
    for (const bad of ['0.0.0.0', '256.1.1.1', '1.2.3', 'example.com', '1.2.3.4/0', 'abc']) expect(IP_ADDRESS.test(bad), bad).toBe(false);
  });

  it.each(listActions().map((a) => [a.name, a] as const))('%s is documented in docs/response.md with its risk and every permission', (name, a) => {
    const row = readFileSync(join(ROOT, 'docs/response.md'), 'utf8').split('\n').find((l) => l.startsWith(`| \`${name}\` |`));
    expect(row, name).toBeDefined();
    expect(row?.split('|')[2]?.trim()).toBe(a.risk);
    for (const p of a.permissions) expect(row).toContain(`\`${p}\``);
    expect(row?.includes('Not reversible')).toBe(!a.reversible);
  });
});
