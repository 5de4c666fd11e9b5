import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { loadCatalog } from '../../src/analysis/playbooks/catalog.js';
import { VARIABLES, withoutHints } from '../../src/analysis/playbooks/render.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { controlFinding, guardDutyEvent } from '../../src/findings/samples.js';
import { getAction } from '../../src/response/registry.js';
import { samplesFor } from '../helpers/playbook-samples.js';

const catalog = loadCatalog();

/** Every string inside a value. */
function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (v !== null && typeof v === 'object') return Object.values(v).flatMap(strings);
  return [];
}
const analyst = new PlaybookAnalyst(catalog);

describe('bundled playbook catalog', () => {
  const entries = [...catalog.entries.values()];

  it('holds the seed playbooks', () => {
    expect(entries.map((p) => p.id).sort()).toEqual(
      expect.arrayContaining([
        'ec2-instance-compromise',
        'ec2-ssh-brute-force',
        'iam-instance-credential-exfiltration',
        's3-bucket-public-access',
        'control-ec2.18',
        'control-s3.8',
        'control-ec2.7',
        'control-cloudtrail.2',
      ]),
    );
  });

  it.each(entries.map((p) => [p.id, p] as const))('%s renders for a sample without undefined or placeholders, with registered actions', (_id, pb) => {
    const findings = samplesFor(pb.match.types, pb.match.controls, pb.match.configRules, pb.match.resourceTypes);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) {
      expect(catalog.resolve(f)?.id).toBe(pb.id);
      const a = analyst.analyzeSync(f);
      expect(a.playbookId).toBe(pb.id);
      for (const text of strings(a)) expect(text).not.toMatch(/undefined|NaN|\[object Object\]|\{\{\s*[#^/]?[A-Za-z]+\s*\}\}/);
      for (const field of [a.summary, a.impact, ...a.steps.map((s) => withoutHints(s.detail))]) {
        expect(field.trim().length).toBeGreaterThan(20);
        // placeholders for values the sample does carry would mean a wrong variable
        expect(field).not.toMatch(/<(instance-id|bucket-name|account-id|region|security-group-id|trail-name)>/);
      }
      for (const act of a.actions) {
        const def = getAction(act.action);
        expect(act.risk).toBe(def.risk);
        const structured = f.resources.flatMap((r) => [r.ids[def.target]].flat()).concat(def.target === 'account' ? [f.account] : []);
        expect(structured).toContain(act.target);
      }
    }
  });

  it('proposes the AWS-recommended containment for the origin cases', () => {
    const byType = (t: string): Finding => normalizeRecord(guardDutyEvent(t), 'x')[0] as Finding;
    const mining = analyst.analyzeSync(byType('CryptoCurrency:EC2/BitcoinTool.B!DNS'));
    expect(mining.actions.map((a) => a.action)).toEqual(['ec2:snapshot-instance-volumes', 'ec2:isolate-instance']);
    const exfil = analyst.analyzeSync(byType('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS'));
    expect(exfil.actions).toEqual([expect.objectContaining({ action: 'iam:revoke-role-sessions', target: 'web-app', risk: 'contain' })]);
    const ssh = analyst.analyzeSync(byType('UnauthorizedAccess:EC2/SSHBruteForce'));
    expect(ssh.actions.map((a) => a.action)).toEqual(['ec2:block-ip-nacl']);
    const ec218 = analyst.analyzeSync(normalizeRecord(controlFinding('EC2.18'), 'x')[0] as Finding);
    expect(ec218.actions.map((a) => a.action)).toEqual(['ec2:revoke-public-ingress']);
    expect(ec218.iac?.terraform).toContain('aws_vpc_security_group_ingress_rule');
    expect(ec218.iac?.cloudformation).toContain('AWS::EC2::SecurityGroup');
  });

  it('every template variable has a placeholder', () => {
    for (const [name, spec] of Object.entries(VARIABLES)) expect(spec.placeholder, name).not.toBe('');
  });
});

describe('catalog loading errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-catalog-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const valid = (id: string, extra = ''): string =>
    `id: ${id}\ntitle: T\nmatch:\n  types: ["X:EC2/${id}"]\nsummary: Something happened on {{instanceId}}.\nimpact: It matters.\nsteps:\n  - phase: investigate\n    title: Look\n    detail: Look at it.\nreferences: ["https://docs.aws.amazon.com/"]\n${extra}`;

  function loadWith(files: Record<string, string>): () => void {
    const sub = mkdtempSync(join(dir, 'c-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(sub, name), text);
    return () => loadCatalog(sub);
  }

  it('loads a valid directory', () => {
    expect(loadWith({ 'a.yaml': valid('a') })).not.toThrow();
  });

  it('rejects an id that does not match the file name', () => {
    expect(loadWith({ 'b.yaml': valid('a') })).toThrow(/b\.yaml: id "a" does not match the file name/);
  });

  it('rejects an unknown template variable', () => {
    expect(loadWith({ 'a.yaml': valid('a').replace('{{instanceId}}', '{{hostName}}') })).toThrow(/unknown variable \{\{hostName\}\}/);
  });

  it('rejects a command with a backslash right before a value', () => {
    const step = (command: string) => valid('a').replace('    detail: Look at it.\n', `    detail: Look at it.\n    commands: ['${command}']\n`);
    expect(loadWith({ 'a.yaml': step('aws ec2 describe-instances --instance-ids {{instanceId}}') })).not.toThrow();
    expect(loadWith({ 'a.yaml': step('echo "\\{{instanceId}}"') })).toThrow(/steps\[0\]\.commands\[0\]" puts a backslash right before a \{\{value\}\}/);
  });

  it('rejects an unknown action and a target of the wrong kind', () => {
    expect(loadWith({ 'a.yaml': valid('a', 'actions:\n  - action: ec2:explode\n    target: instanceId\n    reason: r\n') })).toThrow(/unknown action "ec2:explode"/);
    expect(loadWith({ 'a.yaml': valid('a', 'actions:\n  - action: ec2:isolate-instance\n    target: remoteIp\n    reason: r\n') })).toThrow(/targets instanceId, not remoteIp/);
  });

  it('rejects a schema violation naming the field', () => {
    expect(loadWith({ 'a.yaml': valid('a').replace('phase: investigate', 'phase: panic') })).toThrow(/a\.yaml: field "steps\[0\]\.phase"/);
  });

  it('rejects two playbooks claiming one type', () => {
    expect(loadWith({ 'a.yaml': valid('a'), 'b.yaml': valid('b').replace('X:EC2/b', 'X:EC2/a') })).toThrow(/X:EC2\/a is also claimed by a/);
  });

  it('rejects invalid YAML and unclosed sections', () => {
    expect(loadWith({ 'a.yaml': 'id: [' })).toThrow(/a\.yaml: not valid YAML/);
    expect(loadWith({ 'a.yaml': valid('a').replace('{{instanceId}}', '{{#instanceId}}x') })).toThrow(/unclosed or unmatched section: {{#instanceId}} is never closed/);
  });

  it('loads a list file whose entries share steps through anchors', () => {
    const list = [
      'shared:',
      '  look: &look',
      '    phase: investigate',
      '    title: Look at {{instanceId}}',
      '    detail: Look at it closely.',
      'playbooks:',
      ...['one', 'two'].flatMap((id) => [
        `  - id: ${id}`,
        '    title: T',
        `    match: { types: ["X:EC2/${id}"] }`,
        '    summary: Something happened.',
        '    impact: It matters.',
        '    steps: [*look]',
        '    references: ["https://docs.aws.amazon.com/"]',
      ]),
    ].join('\n');
    const sub = mkdtempSync(join(dir, 'l-'));
    writeFileSync(join(sub, 'group.yaml'), list);
    const c = loadCatalog(sub);
    expect([...c.entries.keys()]).toEqual(['one', 'two']);
    expect(c.resolve({ type: 'X:EC2/two' })?.steps[0]?.title).toBe('Look at {{instanceId}}');
  });

  it('rejects a list file with a stray key, and names the entry of a schema violation', () => {
    const entry = valid('a').split('\n').map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
    expect(loadWith({ 'g.yaml': `playbooks:\n${entry}\nextra: 1\n` })).toThrow(/g\.yaml: unknown top-level key "extra"/);
    expect(loadWith({ 'g.yaml': `playbooks:\n${entry.replace('phase: investigate', 'phase: panic')}\n` })).toThrow(/g\.yaml: playbooks\[0\] \(a\): field "steps\[0\]\.phase"/);
    expect(loadWith({ 'g.yaml': `playbooks:\n${entry}\n`, 'a.yaml': valid('a') })).toThrow(/a: duplicate playbook id/);
  });
});

describe('the build’s pre-parsed catalog', () => {
  it('holds exactly the playbooks the YAML does, and the built CLI loads it', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const { validateCatalogDocument, CATALOG_DIR } = await import('../../src/analysis/playbooks/catalog.js');
    const json = fileURLToPath(new URL('../../dist/analysis/playbooks/catalog.json', import.meta.url));
    const docs = JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown>;
    const fromJson = Object.entries(docs).flatMap(([file, data]) => validateCatalogDocument(file, data));
    // From source, the loader parses the YAML (there is no catalog.json beside src/).
    const fromYaml = [...loadCatalog(CATALOG_DIR).entries.values()];
    expect(fromJson).toEqual(fromYaml);
    // The built CLI reads the JSON, and gets the same catalog.
    const built = (await import(fileURLToPath(new URL('../../dist/analysis/playbooks/catalog.js', import.meta.url)))) as { loadCatalog: () => { entries: Map<string, unknown> } };
    expect([...built.loadCatalog().entries.keys()]).toEqual(fromYaml.map((p) => p.id));
  });
});
