import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'firebreak-cli-routing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lines = (stdout: string): Record<string, any>[] => stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, any>);

const CONFIG = `
channels:
  mail:
    type: email
    smtp: { host: smtp.invalid }
    from: firebreak@example.com
    to: [security@example.com]
    minSeverity: INFORMATIONAL
  hook:
    type: webhook
    url: https://hooks.example.com/firebreak
    minSeverity: INFORMATIONAL
routes:
  - name: guardduty
    pattern: { source: [aws.guardduty] }
    channels: [hook]
  - name: controls
    pattern: { source: [aws.securityhub], detail: { findings: { Compliance: { Status: [FAILED] } } } }
    mode: notify
    channels: [mail]
mutes:
  - name: no-iam-6
    reason: root MFA is tracked in ticket SEC-1
    expires: never
    controls: [IAM.6]
dedupe:
  store: sqlite
  path: state/firebreak.db
`;

describe('firebreak triage --config with routes, mutes and de-duplication', () => {
  const config = join(dir, 'firebreak.yaml');
  writeFileSync(config, CONFIG);
  const samples = runCli(['samples']).stdout;

  it('prints each finding\'s routing, remembers findings across runs, and counts mutes', () => {
    const first = runCli(['triage', '--format', 'json', '--config', config], samples);
    expect(first.status).toBe(0);
    const out = lines(first.stdout);
    expect(out.length).toBeGreaterThan(5);
    for (const line of out) expect(line.routing).toBeDefined();
    const bySource = (source: string) => out.filter((l) => l.finding.source === source);
    for (const l of bySource('guardduty')) expect(l.routing.routes.map((r: { name: string }) => r.name)).toEqual(['guardduty']);
    const iam6 = out.find((l) => l.finding.type === 'IAM.6');
    expect(iam6?.routing).toMatchObject({ muted: { rule: 'no-iam-6', reason: 'root MFA is tracked in ticket SEC-1', expires: 'never' }, alert: false, dedupe: null });
    expect(iam6?.analysis.playbookId).toBeTruthy();
    const unrouted = out.filter((l) => l.routing.routes.length === 0);
    for (const l of unrouted) expect(l.routing.alert).toBe(false);
    const fresh = out.filter((l) => l.routing.dedupe !== null);
    expect(fresh.every((l) => l.routing.dedupe.status === 'new' && l.routing.dedupe.occurrences === 1)).toBe(true);
    expect(first.stderr).toMatch(/firebreak: routing: \d+ to alert; routes: guardduty \d+, controls \d+; \d+ matched no route; muted: no-iam-6 1/);
    expect(existsSync(join(dir, 'state', 'firebreak.db'))).toBe(true);

    // Nothing was delivered, so nothing counts as told: the second run remembers the sightings
    // (occurrences 2) and still alerts. Suppression after delivery is in test/cli/delivery.test.ts.
    const second = runCli(['triage', '--format', 'json', '--config', config], samples);
    const again = lines(second.stdout);
    const seen = again.filter((l) => l.routing.dedupe !== null);
    expect(seen.length).toBe(fresh.length);
    expect(seen.every((l) => l.routing.dedupe.status === 'new' && l.routing.dedupe.occurrences === 2 && l.routing.dedupe.incident.id === fresh.find((f) => f.finding.fingerprint === l.finding.fingerprint)?.routing.dedupe.incident.id)).toBe(true);
    expect(second.stderr).not.toMatch(/repeats:/);
  });

  it('sends each alert to its routes\' channels only, and nothing for muted, repeated or unrouted findings', () => {
    const cfg = join(dir, 'memory.yaml');
    writeFileSync(cfg, CONFIG.replace('store: sqlite', 'store: memory'));
    const outbox = join(dir, 'outbox');
    const r = runCli(['triage', '--format', 'json', '--config', cfg, '--notify', '--outbox', outbox], samples + samples);
    expect(r.status).toBe(0);
    const out = lines(r.stdout);
    const alerted = out.filter((l) => l.routing.alert);
    const gdAlerts = alerted.filter((l) => l.finding.source === 'guardduty').length;
    const controlAlerts = alerted.filter((l) => l.routing.routes.some((x: { name: string }) => x.name === 'controls')).length;
    expect(gdAlerts).toBeGreaterThan(0);
    expect(controlAlerts).toBeGreaterThan(0);
    // The second copy of every sample is a suppressed repeat.
    expect(alerted.length).toBe(out.filter((l) => l.routing.dedupe?.status === 'new' && l.routing.routes.length > 0).length);
    expect(readdirSync(join(outbox, 'hook'))).toHaveLength(gdAlerts);
    expect(readdirSync(join(outbox, 'mail'))).toHaveLength(controlAlerts);
  });

  it('firebreak notify applies the same routes, mutes and de-duplication', () => {
    const cfg = join(dir, 'notify.yaml');
    writeFileSync(cfg, CONFIG.replace('store: sqlite', 'store: memory'));
    const outbox = join(dir, 'notify-outbox');
    const r = runCli(['notify', '--config', cfg, '--outbox', outbox, '--format', 'json'], samples + samples);
    expect(r.status).toBe(0);
    const written = lines(r.stdout).filter((o) => o.status === 'written');
    const triaged = lines(runCli(['triage', '--format', 'json', '--config', cfg], samples + samples).stdout);
    const expected = triaged.filter((l) => l.routing.alert).reduce((n, l) => n + l.routing.routes.length, 0);
    expect(written).toHaveLength(expected);
    expect(new Set(written.map((o) => o.channel))).toEqual(new Set(['hook', 'mail']));
    expect(r.stderr).toMatch(/firebreak: routing: \d+ to alert;.*muted: no-iam-6 2/);
  });

  it('shows the routing in the text report', () => {
    const cfg = join(dir, 'memory2.yaml');
    writeFileSync(cfg, CONFIG.replace('store: sqlite', 'store: memory'));
    const r = runCli(['triage', '--config', cfg], samples);
    expect(r.stdout).toMatch(/Routing: routes guardduty \(propose\) · new · alert/);
    expect(r.stdout).toMatch(/Routing: no route · muted by no-iam-6: root MFA is tracked in ticket SEC-1 \(until never\) · not sent/);
  });

  it('stops with the file, line and column of an invalid route, before reading any input', () => {
    const cfg = join(dir, 'bad.yaml');
    writeFileSync(cfg, 'routes:\n  - name: x\n    pattern:\n      detail:\n        severity: [{ numeric: [">=", "7"] }]\n');
    const r = runCli(['triage', '--format', 'json', '--config', cfg], samples);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${cfg}:5:19: routes[0].pattern.detail.severity: Event pattern is not valid. Reason: Value of >= must be numeric at key "detail.severity"`);
  });
});
