import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/findings/errors.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import * as sample from '../../src/findings/samples.js';
import { eventOf } from '../../src/routing/event.js';
import { compilePattern, matchesPattern } from '../../src/routing/pattern/index.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';

type Json = Record<string, unknown>;

/** Keys as the SDKs' and the AWS CLI's output writes GuardDuty members: PascalCase. */
function pascal(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(pascal);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(x)]));
}

const findings = (out: ReturnType<typeof normalizeRecord>): Finding[] => out.filter((x): x is Finding => !(x instanceof InputError));
const errors = (out: ReturnType<typeof normalizeRecord>): InputError[] => out.filter((x): x is InputError => x instanceof InputError);

describe('Security Hub custom action events', () => {
  // The shape the Security Hub user guide documents for a custom action sent to EventBridge.
  const event = {
    version: '0',
    id: '1a1111a1-b22b-3c33-444d-5555e5ee5555',
    'detail-type': 'Security Hub Findings - Custom Action',
    source: 'aws.securityhub',
    account: '111122223333',
    time: '2026-11-20T18:43:48Z',
    region: 'us-west-1',
    resources: ['arn:aws:securityhub:us-west-1:111122223333:action/custom/SendToFirebreak'],
    detail: {
      actionName: 'SendToFirebreak',
      actionDescription: 'Explain and route with firebreak',
      findings: [sample.controlFinding('EC2.18', { severity: 'HIGH' }), fixture('securityhub-asff-guardduty-finding-SSHBruteForce.json')],
    },
  };

  it('reads every finding, keeps the action, and routes on it as EventBridge would', () => {
    const out = findings(normalizeRecord(event, 'test'));
    expect(out.map((f) => f.type)).toEqual(['EC2.18', 'UnauthorizedAccess:EC2/SSHBruteForce']);
    for (const f of out) expect(f.customAction).toEqual({ name: 'SendToFirebreak', description: 'Explain and route with firebreak', arn: 'arn:aws:securityhub:us-west-1:111122223333:action/custom/SendToFirebreak' });
    const byAction = compilePattern(JSON.stringify({ 'detail-type': ['Security Hub Findings - Custom Action'], resources: ['arn:aws:securityhub:us-west-1:111122223333:action/custom/SendToFirebreak'] }));
    const byName = compilePattern(JSON.stringify({ detail: { actionName: ['SendToFirebreak'], findings: { Compliance: { SecurityControlId: ['EC2.18'] } } } }));
    const first = out[0] as Finding;
    expect(matchesPattern(byAction, eventOf(first))).toBe(true);
    expect(matchesPattern(byName, eventOf(first))).toBe(true);
    expect(matchesPattern(byName, eventOf(out[1] as Finding))).toBe(false);
  });
});

describe('API response pages, as the SDKs and the AWS CLI return them', () => {
  it('reads a Security Hub GetFindings page with NextToken and ResponseMetadata (boto3) or $metadata (SDK v3)', () => {
    const list = [sample.controlFinding('S3.8'), sample.controlFinding('EC2.7')];
    const boto = { Findings: list, NextToken: 'eyJ0b2tlbiI6IDF9', ResponseMetadata: { RequestId: 'a1b2', HTTPStatusCode: 200 } };
    const sdk = { $metadata: { httpStatusCode: 200, requestId: 'a1b2', attempts: 1 }, Findings: list, NextToken: 'eyJ0b2tlbiI6IDF9' };
    expect(findings(normalizeRecord(boto, 'test')).map((f) => f.type)).toEqual(['S3.8', 'EC2.7']);
    expect(findings(normalizeRecord(sdk, 'test')).map((f) => f.type)).toEqual(['S3.8', 'EC2.7']);
  });

  it('reads a GuardDuty GetFindings page in the SDK\'s PascalCase and in the wire\'s camelCase', () => {
    const gd = sample.guardDutyFinding('UnauthorizedAccess:EC2/SSHBruteForce');
    for (const page of [{ Findings: [pascal(gd)], ResponseMetadata: { RequestId: 'x' } }, { Findings: [gd] }]) {
      const [f] = findings(normalizeRecord(page, 'test'));
      expect(f?.source).toBe('guardduty');
      expect(f?.type).toBe('UnauthorizedAccess:EC2/SSHBruteForce');
      expect(f?.resources[0]?.ids.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
      expect(f?.details.remoteIp ?? f?.resources[0]?.ids.remoteIp).toBeDefined();
    }
  });

  it('reads Inspector2 ListFindings and Macie GetFindings pages ({"findings": [...], "nextToken"})', () => {
    const inspector = (sample.inspectorEvent() as Json).detail;
    const macie = (sample.macieEvent() as Json).detail;
    expect(findings(normalizeRecord({ findings: [inspector], nextToken: 'abc' }, 'test')).map((f) => f.source)).toEqual(['inspector']);
    expect(findings(normalizeRecord({ findings: [macie] }, 'test')).map((f) => f.source)).toEqual(['macie']);
  });

  it('rejects a finding of a page that lacks a required field alone, with its position; the rest is read', () => {
    const bad = { ...sample.controlFinding('EC2.19') } as Json;
    delete bad.AwsAccountId;
    const out = normalizeRecord({ Findings: [sample.controlFinding('S3.8'), bad, sample.controlFinding('EC2.7')], NextToken: 't' }, 'page.json record 0');
    expect(findings(out).map((f) => f.type)).toEqual(['S3.8', 'EC2.7']);
    const [err] = errors(out);
    expect(err?.code).toBe('MissingField');
    expect(err?.message).toBe('page.json record 0: field "Findings[1].AwsAccountId" is required but missing');
  });
});

describe('rejections code what is truly wrong', () => {
  const code = (v: unknown): string | undefined => errors(normalizeRecord(v, 'test'))[0]?.code;
  const gd = (): Json => structuredClone(sample.guardDutyFinding('Recon:EC2/PortProbeUnprotectedPort')) as Json;

  it('a GuardDuty finding missing only resource is MissingField, raw or in an event', () => {
    const raw = gd();
    delete raw.resource;
    expect(code(raw)).toBe('MissingField');
    expect(errors(normalizeRecord(raw, 'test'))[0]?.field).toBe('resource');
    expect(code({ 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: raw })).toBe('MissingField');
  });

  it('a placeholder or malformed account id is InvalidField naming the field', () => {
    for (const account of ['<account-id>', '12345678901', 'ACCOUNT_ID', '1234567890123']) {
      const raw = gd();
      raw.accountId = account;
      const [err] = errors(normalizeRecord(raw, 'test'));
      expect(err?.code).toBe('InvalidField');
      expect(err?.field).toBe('accountId');
    }
  });

  it('a pre-1.0 OCSF record is refused as unsupported, with its version', () => {
    const event = sample.ocsfEvent('IAM.6') as { detail: { findings: Json[] } };
    (event.detail.findings[0]?.metadata as Json).version = '0.99.0';
    const [err] = errors(normalizeRecord(event, 'test'));
    expect(err?.code).toBe('UnsupportedRecord');
    expect(err?.message).toMatch(/OCSF schema "0\.99\.0"/);
  });

  it('an event without detail-type or source is MissingField for that field', () => {
    const event = sample.guardDutyEvent('Recon:EC2/PortProbeUnprotectedPort') as Json;
    const noType = { ...event };
    delete noType['detail-type'];
    expect(errors(normalizeRecord(noType, 'test'))[0]).toMatchObject({ code: 'MissingField', field: 'detail-type' });
    const noSource = { ...event };
    delete noSource.source;
    expect(errors(normalizeRecord(noSource, 'test'))[0]).toMatchObject({ code: 'MissingField', field: 'source' });
  });

  it('dates that are not dates are InvalidField', () => {
    const raw = gd();
    raw.updatedAt = 'yesterday';
    expect(errors(normalizeRecord(raw, 'test'))[0]).toMatchObject({ code: 'InvalidField', field: 'updatedAt' });
  });

  it('triage prints the page\'s good findings and one error line for the bad one, exit 2', () => {
    const bad = gd();
    delete bad.resource;
    const page = { Findings: [sample.guardDutyFinding('UnauthorizedAccess:EC2/SSHBruteForce'), bad], NextToken: 'n' };
    const r = runCli(['triage', '--format', 'json'], JSON.stringify(page));
    expect(r.status).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Json);
    expect(lines).toHaveLength(2);
    expect((lines[0]?.finding as Json).type).toBe('UnauthorizedAccess:EC2/SSHBruteForce');
    expect((lines[1]?.error as Json).code).toBe('MissingField');
  });
});
