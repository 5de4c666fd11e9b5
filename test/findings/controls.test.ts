import { describe, expect, it } from 'vitest';
import { normalizeOne } from '../helpers/findings.js';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { loadCatalog } from '../../src/analysis/playbooks/catalog.js';
import { standardControlRows } from '../../src/findings/normalize/controls.js';
import { controlFinding, securityHubEvent } from '../../src/findings/samples.js';
import { CATALOG_LISTS } from '../helpers/fixtures.js';
import { readFileSync } from 'node:fs';

type Json = Record<string, unknown>;

const one = normalizeOne;

/** A control finding written per standard, as the Security Hub user guide's samples show it. */
function perStandard(controlId: string, o: { generatorId: string; productFields: Record<string, string>; title: string; resourceType?: string }): Json {
  const base = controlFinding(controlId, { severity: 'MEDIUM', ...(o.resourceType === undefined ? {} : { resourceType: o.resourceType }) });
  const finding: Json = { ...base, GeneratorId: o.generatorId, Title: o.title, ProductFields: { ...o.productFields, 'aws/securityhub/ProductName': 'Security Hub' }, Compliance: { Status: 'FAILED' } };
  return finding;
}

describe('control findings written per standard map to the security control id', () => {
  it('CIS v1.2.0 (ProductFields.RuleId, a ruleset GeneratorId) gets that control\'s playbook', () => {
    const f = one(securityHubEvent([perStandard('IAM.3', {
      generatorId: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4',
      title: '1.4 Ensure access keys are rotated every 90 days or less',
      productFields: { StandardsGuideArn: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0', StandardsGuideSubscriptionArn: 'arn:aws:securityhub:us-east-1:123456789012:subscription/cis-aws-foundations-benchmark/v/1.2.0', RuleId: '1.4', RecommendationUrl: 'https://docs.aws.amazon.com/console/securityhub/standards-cis-1.4/remediation' },
    })]));
    expect(f.type).toBe('IAM.3');
    const analysis = new PlaybookAnalyst().analyzeSync(f);
    expect(analysis.playbookId).toBe(loadCatalog().resolve({ type: 'IAM.3' })?.id);
    expect(analysis.playbookId).not.toBeNull();
  });

  it('CIS v1.4.0 (ProductFields.ControlId with StandardsArn) and PCI DSS (PCI.IAM.1)', () => {
    const cis14 = one(perStandard('S3.8', {
      generatorId: 'cis-aws-foundations-benchmark/v/1.4.0/2.1.5.2',
      title: '2.1.5.2 Ensure that S3 Buckets are configured with Block public access (bucket settings)',
      productFields: { StandardsArn: 'arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0', ControlId: '2.1.5.2' },
    }));
    expect(cis14.type).toBe('S3.8');
    const pci = one(perStandard('IAM.4', {
      generatorId: 'pci-dss/v/3.2.1/PCI.IAM.1',
      title: 'PCI.IAM.1 IAM root user access key should not exist',
      productFields: { StandardsArn: 'arn:aws:securityhub:::standards/pci-dss/v/3.2.1', ControlId: 'PCI.IAM.1' },
    }));
    expect(pci.type).toBe('IAM.4');
  });

  it('FSBP and NIST findings keep their own ids; one control under two standards shares one fingerprint', () => {
    const fsbp = one(perStandard('EC2.18', { generatorId: 'aws-foundational-security-best-practices/v/1.0.0/EC2.18', title: 'EC2.18', productFields: { StandardsArn: 'arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0', ControlId: 'EC2.18' } }));
    const nist = one(perStandard('EC2.18', { generatorId: 'nist-800-53/v/5.0.0/EC2.18', title: 'EC2.18', productFields: { StandardsArn: 'arn:aws:securityhub:::standards/nist-800-53/v/5.0.0', ControlId: 'EC2.18' } }));
    const consolidated = one(controlFinding('EC2.18'));
    expect([fsbp.type, nist.type]).toEqual(['EC2.18', 'EC2.18']);
    expect(new Set([fsbp.fingerprint, nist.fingerprint, consolidated.fingerprint]).size).toBe(1);
  });

  it('an id the table does not hold is never passed off as a control id', () => {
    const f = one(perStandard('IAM.3', { generatorId: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.15', title: '1.15 Ensure security questions are registered', productFields: { StandardsGuideArn: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0', RuleId: '1.15' } }));
    expect(f.type).not.toBe('1.15');
  });

  it('every row of the table names a control Security Hub has', () => {
    const known = new Set(readFileSync(`${CATALOG_LISTS}securityhub-controls.tsv`, 'utf8').split('\n').map((l) => l.split('\t')[0]));
    // S3.4 is retired; old per-standard PCI findings still name it.
    const retired = new Set(['S3.4']);
    const rows = standardControlRows();
    expect(rows.length).toBeGreaterThan(150);
    for (const r of rows) if (!retired.has(r.control)) expect(known.has(r.control), `${r.standard} ${r.local} -> ${r.control}`).toBe(true);
  });
});
