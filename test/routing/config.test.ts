import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseYamlConfig } from '../../src/config/load.js';
import { configSchema } from '../../src/config/schema.js';
import { ROOT } from '../helpers/fixtures.js';

const load = (yaml: string) => parseYamlConfig(yaml, 'firebreak.yaml', configSchema, {});
const errorOf = (yaml: string): string => {
  try {
    load(yaml);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('routes in firebreak.yaml', () => {
  it('loads routes with compiled patterns, defaults and order kept', () => {
    const config = load(`
routes:
  - name: gd-high
    pattern:
      source: [aws.guardduty]
      detail:
        severity: [{numeric: [">=", 7]}]
    analyst: hybrid
    mode: auto
  - name: as-json
    pattern: '{"source": ["aws.securityhub"]}'
`);
    expect(config.routes.map((r) => [r.name, r.mode, r.analyst])).toEqual([
      ['gd-high', 'auto', 'hybrid'],
      ['as-json', 'propose', undefined],
    ]);
    expect(config.routes[0]?.pattern.subrules).toHaveLength(1);
  });

  it('points at the line and column of the offending pattern key, with AWS\'s reason', () => {
    const message = errorOf(`
routes:
  - name: gd-high
    pattern:
      detail:
        severity: [{numerc: [">=", 7]}]
`);
    expect(message).toBe('firebreak.yaml:6:19: routes[0].pattern.detail.severity: Event pattern is not valid. Reason: Unrecognized match type numerc at key "detail.severity"');
  });

  it('reports a pattern given as JSON text with the position inside that text', () => {
    expect(errorOf(`routes:\n  - name: x\n    pattern: '{"a": [{"prefix": 1}]}'\n`)).toMatch(/^firebreak.yaml:3:14: routes\[0\].pattern: Event pattern is not valid. Reason: prefix match pattern must be a string at key "a" \(line 1, column 19 of the pattern text\)$/);
  });

  it('refuses unknown keys, bad modes, a missing pattern, unknown channels and teams, repeated names', () => {
    expect(errorOf('routes:\n  - name: a\n    pattern: {a: [x]}\n    mood: auto\n')).toMatch(/firebreak.yaml:4:5: routes\[0\]: Unrecognized key: "mood"/);
    expect(errorOf('routes:\n  - name: a\n    pattern: {a: [x]}\n    mode: yolo\n')).toMatch(/firebreak.yaml:4:11: routes\[0\].mode: Invalid option: expected one of "notify"\|"propose"\|"auto"/);
    expect(errorOf('routes:\n  - name: a\n')).toMatch(/routes\[0\].pattern: Event pattern is not valid. Reason: a route needs a pattern/);
    expect(errorOf('channels: {}\nroutes:\n  - name: a\n    pattern: {a: [x]}\n    channels: [pager]\n')).toMatch(/firebreak.yaml:5:16: routes\[0\].channels\[0\]: channel "pager" is not configured under channels: \(none are\)/);
    expect(errorOf('routes:\n  - name: a\n    pattern: {a: [x]}\n    owner: platform\n')).toMatch(/firebreak.yaml:4:12: routes\[0\].owner: team "platform" is not defined under teams:/);
    expect(errorOf('routes:\n  - name: a\n    pattern: {a: [x]}\n  - name: a\n    pattern: {b: [y]}\n')).toMatch(/firebreak.yaml:4:11: routes\[1\].name: route name "a" is used twice/);
  });

  it('validates mutes: reason, expiry and at least one criterion', () => {
    expect(errorOf('mutes:\n  - name: m\n    expires: never\n    accounts: ["123456789012"]\n')).toMatch(/mutes\[0\].reason: required/);
    expect(errorOf('mutes:\n  - name: m\n    reason: r\n    expires: 2026-02-30x\n    accounts: ["123456789012"]\n')).toMatch(/firebreak.yaml:4:14: mutes\[0\].expires: must be a date/);
    expect(errorOf('mutes:\n  - name: m\n    reason: r\n    expires: never\n')).toMatch(/mutes\[0\]: a mute needs at least one of accounts, types, controls, resources, tags, regions/);
    expect(errorOf('dedupe:\n  realertAfter: 1 day\n')).toMatch(/firebreak.yaml:2:17: dedupe.realertAfter: must be a duration like 30m, 1h, 24h or 7d/);
  });

  it('validates the response policy', () => {
    expect(errorOf('response:\n  maxAutoRisk: disruptive\n')).toMatch(/firebreak.yaml:2:16: response.maxAutoRisk/);
    expect(errorOf('response:\n  autoDisruptive: [ec2:nuke]\n')).toMatch(/firebreak.yaml:2:20: response.autoDisruptive\[0\]: unknown action "ec2:nuke"; valid actions: ec2:isolate-instance/);
    expect(errorOf('response:\n  blastRadius: 0\n')).toMatch(/response.blastRadius/);
    expect(errorOf('response:\n  dryrun: true\n')).toMatch(/dryrun/);
  });

  it('the commented example in the repository loads', () => {
    const config = parseYamlConfig(readFileSync(`${ROOT}firebreak.example.yaml`, 'utf8'), 'firebreak.example.yaml', configSchema, { SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T000/B000/XXXX', FIREBREAK_EXTERNAL_ID: 'ext-1' });
    expect(config.routes.length).toBeGreaterThanOrEqual(3);
    expect(config.mutes.length).toBeGreaterThanOrEqual(1);
    expect(config.response?.assumeRole).toEqual({ name: 'firebreak-remediation', externalId: 'ext-1' });
    expect(config.response?.approvalTtl).toBe(86_400_000);
  });
});
