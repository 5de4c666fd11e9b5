import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { controlFinding, guardDutyFinding } from '../../src/findings/samples.js';
import { fixture, securityHubEvent } from '../helpers/fixtures.js';

const fp = (v: unknown): string => (normalizeRecord(v, 'test')[0] as Finding).fingerprint;

describe('fingerprint', () => {
  it('stays the same when GuardDuty updates a finding (count and last seen grow)', () => {
    const first = guardDutyFinding('UnauthorizedAccess:EC2/SSHBruteForce');
    const later = structuredClone(first);
    (later.service as Record<string, unknown>).count = 500;
    (later.service as Record<string, unknown>).eventLastSeen = '2030-01-01T00:00:00Z';
    later.updatedAt = '2030-01-01T00:00:00Z';
    later.severity = 8;
    expect(fp(later)).toBe(fp(first));
  });

  it('differs between two GuardDuty findings', () => {
    expect(fp(guardDutyFinding('UnauthorizedAccess:EC2/SSHBruteForce'))).not.toBe(fp(guardDutyFinding('UnauthorizedAccess:EC2/SSHBruteForce', { variant: 1 })));
  });

  it('is the same for a GuardDuty finding received directly and through Security Hub', () => {
    const asff = fixture('securityhub-asff-guardduty-finding-SSHBruteForce.json');
    const direct = guardDutyFinding('UnauthorizedAccess:EC2/SSHBruteForce', { account: '193043430472', region: 'us-east-1' });
    direct.id = '46ba0ac2845071e23ccdeb2ae03bfdea';
    expect(fp(direct)).toBe(fp(asff));
  });

  it('stays the same when Security Hub re-imports a control finding', () => {
    const a = fixture('securityhub-asff-control-finding-S3.8.json');
    const b = structuredClone(a);
    b.UpdatedAt = '2023-01-01T00:00:00Z';
    b.LastObservedAt = '2023-01-01T00:00:00Z';
    b.Workflow = { Status: 'NOTIFIED' };
    expect(fp(securityHubEvent([b]))).toBe(fp(a));
  });

  it('is the same for one control under several standards, different for another resource', () => {
    expect(fp(fixture('securityhub-asff-control-finding-fsbp-CloudTrail.2.json'))).toBe(fp(fixture('securityhub-asff-control-finding-consolidated-CloudTrail.2.json')));
    const other = fixture('securityhub-asff-control-finding-S3.8.json');
    (other.Resources as Record<string, unknown>[])[0]!.Id = 'arn:aws:s3:::another-bucket';
    expect(fp(other)).not.toBe(fp(fixture('securityhub-asff-control-finding-S3.8.json')));
  });

  it('collapses regions for global resources and keeps them apart for regional settings', () => {
    const iamEast = controlFinding('IAM.5', { region: 'us-east-1' });
    const iamWest = controlFinding('IAM.5', { region: 'eu-west-1' });
    expect(fp(iamEast)).toBe(fp(iamWest));
    const ebsEast = controlFinding('EC2.7', { region: 'us-east-1' });
    const ebsWest = controlFinding('EC2.7', { region: 'eu-west-1' });
    expect(fp(ebsEast)).not.toBe(fp(ebsWest));
  });
});
