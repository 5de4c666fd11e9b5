import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/findings/errors.js';
import type { Finding } from '../../src/findings/model.js';
import { asffTypeFromCfn, idsFromArn } from '../../src/findings/normalize/common.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import * as sample from '../../src/findings/samples.js';
import { fixture, guardDutyEvent, securityHubEvent } from '../helpers/fixtures.js';

function one(value: unknown): Finding {
  const out = normalizeRecord(value, 'test');
  expect(out).toHaveLength(1);
  const f = out[0];
  if (f instanceof InputError) throw new Error(`unexpected error ${f.code}: ${f.message}`);
  return f as Finding;
}

function fails(value: unknown): InputError {
  const out = normalizeRecord(value, 'events.jsonl line 3 (record 2)');
  const err = out.find((o): o is InputError => o instanceof InputError);
  if (err === undefined) throw new Error('expected an error');
  return err;
}

const clone = <T>(v: T): T => structuredClone(v);

describe('GuardDuty', () => {
  const detail = fixture('guardduty-finding-detail-ec2-aws-samples.json');

  it('normalizes the AWS sample finding inside the documented EventBridge envelope, field by field', () => {
    const f = one(guardDutyEvent(detail));
    expect(f.id).toBe('arn:aws:guardduty:us-east-1:123456789012:detector/123456789012/finding/16afba5c5c43e07c9e3e5e2e544e95df');
    expect(f.source).toBe('guardduty');
    expect(f.product).toBe('GuardDuty');
    expect(f.type).toBe('Canary:EC2/Stateless.IntegTest');
    expect(f.title).toBe('Canary:EC2/Stateless.IntegTest');
    expect(f.severity).toEqual({ label: 'MEDIUM', score: 50 });
    expect(f.account).toBe('123456789012');
    expect(f.region).toBe('us-east-1');
    expect(f.firstSeen).toBe('2017-10-31T23:16:23.000Z');
    expect(f.lastSeen).toBe('2017-10-31T23:16:23.000Z');
    expect(f.count).toBe(1);
    expect(f.resources).toEqual([
      {
        type: 'AwsEc2Instance',
        id: 'arn:aws:ec2:us-east-1:123456789012:instance/i-05746eb48123455e0',
        region: 'us-east-1',
        tags: { Name: 'ssh-22-open' },
        ids: { instanceId: 'i-05746eb48123455e0', securityGroupIds: ['sg-9918a123'], remoteIp: '0.0.0.0' },
      },
    ]);
    expect(f.details).toMatchObject({ connectionDirection: 'OUTBOUND', protocol: 'TCP', remotePort: 22, localPort: 2000, country: 'United States' });
    expect(f.fingerprint).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads the raw finding (GetFindings shape) and a GetFindings response page', () => {
    expect(one(detail).id).toBe(one(guardDutyEvent(detail)).id);
    const page = normalizeRecord({ Findings: [detail, detail] }, 'test');
    expect(page).toHaveLength(2);
  });

  it.each([
    [0.5, 'INFORMATIONAL', 5],
    [2, 'LOW', 20],
    [3.9, 'LOW', 39],
    [4, 'MEDIUM', 40],
    [7, 'HIGH', 70],
    [8.9, 'HIGH', 89],
    [9, 'CRITICAL', 90],
    [10, 'CRITICAL', 100],
  ])('maps GuardDuty severity %s to %s / %s', (sev, label, score) => {
    const d = clone(detail);
    d.severity = sev;
    expect(one(d).severity).toEqual({ label, score });
  });

  it('maps an access key finding to AwsIamAccessKey with the principal', () => {
    const d = clone(detail);
    d.resource = { resourceType: 'AccessKey', accessKeyDetails: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', principalId: 'AIDAEXAMPLE', userName: 'alice', userType: 'IAMUser' } };
    d.service = { ...(d.service as object), action: { actionType: 'AWS_API_CALL', awsApiCallAction: { api: 'ListBuckets', remoteIpDetails: { ipAddressV4: '198.51.100.7' } } } };
    const f = one(d);
    expect(f.resources[0]).toMatchObject({ type: 'AwsIamAccessKey', ids: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', principalName: 'alice', principalType: 'IAMUser', remoteIp: '198.51.100.7' } });
    expect(f.details.api).toBe('ListBuckets');
  });

  it('reads the workload, object and backup details GuardDuty adds for its newer resource kinds', () => {
    const eks = one(sample.guardDutyEvent('Execution:Kubernetes/ExecInKubeSystemPod'));
    expect(eks.resources[0]?.ids).toMatchObject({ clusterName: 'prod-cluster' });
    expect(eks.details).toMatchObject({ kubernetesUser: 'system:serviceaccount:orders:api', namespace: 'orders', workloadName: 'orders-api', containerImage: expect.stringContaining('orders-api:1.4.2') });
    const ecs = one(sample.guardDutyEvent('Execution:ECS/MaliciousFile'));
    expect(ecs.resources[0]?.ids).toMatchObject({ clusterName: 'orders', taskArn: expect.stringMatching(/:task\/orders\//) });
    expect(ecs.details.threatName).toBe('EICAR-Test-File (not a virus)');
    expect(one(sample.guardDutyEvent('Object:S3/MaliciousFile')).details.objectKey).toBe('uploads/invoice-2026-11.pdf');
    expect(one(sample.guardDutyEvent('Execution:EC2/MaliciousFile!Snapshot')).resources[0]?.ids.snapshotId).toMatch(/^snap-[0-9a-f]{17}$/);
    const detail = sample.guardDutyFinding('Execution:EC2/MaliciousFile!RecoveryPoint') as { resource: { recoveryPointDetails: Record<string, string> } };
    detail.resource.recoveryPointDetails = { recoveryPointArn: 'arn:aws:backup:us-east-1:123456789012:recovery-point:1a2b3c4d-5e6f', backupVaultArn: 'arn:aws:backup:us-east-1:123456789012:backup-vault:production-vault' };
    expect(one(detail).resources[0]?.ids).toMatchObject({ backupVaultName: 'production-vault' });
  });

  it('rejects broken findings with a code naming the field', () => {
    const missing = clone(detail);
    delete missing.type;
    let err = fails(guardDutyEvent(missing));
    expect(err.code).toBe('MissingField');
    expect(err.message).toContain('field "detail.type"');
    expect(err.message).toContain('events.jsonl line 3 (record 2)');

    const wrongType = clone(detail);
    wrongType.severity = 'high';
    err = fails(guardDutyEvent(wrongType));
    expect(err.code).toBe('InvalidField');
    expect(err.message).toContain('"detail.severity"');

    const badAccount = clone(detail);
    badAccount.accountId = '12345';
    expect(fails(badAccount).code).toBe('InvalidField');

    const badDate = clone(detail);
    badDate.createdAt = 'yesterday';
    err = fails(badDate);
    expect(err.code).toBe('InvalidField');
    expect(err.message).toContain('"createdAt"');

    const huge = clone(detail);
    huge.description = 'x'.repeat(3_000_000);
    expect(fails(huge).code).toBe('FieldTooLong');
  });
});

describe('Security Hub ASFF', () => {
  it('normalizes the GuardDuty SSH brute force finding as sent to Security Hub', () => {
    const f = one(securityHubEvent([fixture('securityhub-asff-guardduty-finding-SSHBruteForce.json')]));
    expect(f.source).toBe('securityhub');
    expect(f.product).toBe('GuardDuty');
    expect(f.type).toBe('UnauthorizedAccess:EC2/SSHBruteForce');
    expect(f.title).toBe('199.241.229.197 is performing SSH brute force attacks against i-0c10c2c7863d1a356.');
    expect(f.severity).toEqual({ label: 'MEDIUM', score: 40 });
    expect(f.account).toBe('193043430472');
    expect(f.region).toBe('us-east-1');
    expect(f.count).toBe(74);
    expect(f.firstSeen).toBe('2020-08-22T09:15:57.000Z');
    expect(f.lastSeen).toBe('2020-09-30T11:56:49.000Z');
    expect(f.workflowStatus).toBe('NEW');
    expect(f.resources).toEqual([
      {
        type: 'AwsEc2Instance',
        id: 'arn:aws::ec2:us-east-1:193043430472:instance/i-0c10c2c7863d1a356',
        region: 'us-east-1',
        tags: { Name: 'kubectl' },
        ids: { instanceId: 'i-0c10c2c7863d1a356', remoteIp: '199.241.229.197', subnetId: 'subnet-4975b475', vpcId: 'vpc-a0c2d7c7' },
      },
    ]);
    expect(f.details).toMatchObject({ connectionDirection: 'INBOUND', localPort: 22, remotePort: 46717, country: 'United States', city: 'Dubuque' });
  });

  it('normalizes the standard-specific S3.8 control finding', () => {
    const f = one(fixture('securityhub-asff-control-finding-S3.8.json'));
    expect(f.type).toBe('S3.8');
    expect(f.product).toBe('Security Hub');
    expect(f.severity).toEqual({ label: 'HIGH', score: 70 });
    expect(f.account).toBe('111111111111');
    expect(f.region).toBe('us-east-1');
    expect(f.compliance).toBe('FAILED');
    expect(f.remediation).toEqual({
      text: 'For directions on how to fix this issue, consult the AWS Security Hub Foundational Security Best Practices documentation.',
      url: 'https://docs.aws.amazon.com/console/securityhub/S3.8/remediation',
    });
    expect(f.resources).toEqual([{ type: 'AwsS3Bucket', id: 'arn:aws:s3:::example', region: 'us-east-1', tags: {}, ids: { bucketName: 'example' } }]);
    expect(f.firstSeen).toBe('2021-07-14T17:06:07.284Z');
    expect(f.lastSeen).toBe('2022-02-21T09:49:14.792Z');
  });

  it('normalizes the consolidated CloudTrail.2 sample (after the documented comma fix) and its string Normalized', () => {
    const f = one(fixture('securityhub-asff-control-finding-consolidated-CloudTrail.2.json'));
    expect(f.type).toBe('CloudTrail.2');
    expect(f.severity).toEqual({ label: 'MEDIUM', score: 40 });
    expect(f.region).toBe('us-east-2');
    expect(f.resources[0]).toMatchObject({ type: 'AwsCloudTrailTrail', ids: { trailName: 'AWSMacieTrail-DO-NOT-EDIT' } });
  });

  it('normalizes the FSBP CloudTrail.2 sample and gives it the consolidated finding’s fingerprint', () => {
    const fsbp = one(fixture('securityhub-asff-control-finding-fsbp-CloudTrail.2.json'));
    const consolidated = one(fixture('securityhub-asff-control-finding-consolidated-CloudTrail.2.json'));
    expect(fsbp.type).toBe('CloudTrail.2');
    expect(fsbp.details.standard).toBe('standards/aws-foundational-security-best-practices/v/1.0.0');
    expect(fsbp.fingerprint).toBe(consolidated.fingerprint);
    expect(fsbp.id).not.toBe(consolidated.id);
  });

  it('normalizes the EC2.7 Findings Imported event', () => {
    const f = one(fixture('securityhub-findings-imported-event-control-EC2.7.json'));
    expect(f.type).toBe('EC2.7');
    expect(f.severity).toEqual({ label: 'INFORMATIONAL', score: 0 });
    expect(f.resources).toEqual([{ type: 'AwsAccount', id: 'AWS::::Account:111111111111', region: 'us-east-1', tags: {}, ids: {} }]);
    expect(f.title).toBe('EC2.7 EBS default encryption should be enabled');
  });

  it('enforces the Security Hub API limits and required fields', () => {
    const base = fixture('securityhub-asff-control-finding-S3.8.json');
    const longId = clone(base);
    longId.Id = 'x'.repeat(513);
    let err = fails(longId);
    expect(err.code).toBe('FieldTooLong');
    expect(err.message).toContain('field "Id" is 513 characters; the limit is 512');

    const longTitle = clone(base);
    longTitle.Title = 't'.repeat(257);
    expect(fails(longTitle).code).toBe('FieldTooLong');

    const noResources = clone(base);
    noResources.Resources = [];
    expect(fails(noResources).code).toBe('InvalidField');

    const manyResources = clone(base);
    manyResources.Resources = Array.from({ length: 33 }, () => (base.Resources as unknown[])[0]);
    expect(fails(manyResources).code).toBe('TooManyItems');

    const badLabel = clone(base);
    badLabel.Severity = { Label: 'SEVERE' };
    err = fails(badLabel);
    expect(err.code).toBe('InvalidField');
    expect(err.message).toContain('"Severity.Label"');

    const noTitle = clone(base);
    delete noTitle.Title;
    expect(fails(noTitle).code).toBe('MissingField');
  });

  it('keeps the good findings of an event when one of them is broken', () => {
    const good = fixture('securityhub-asff-control-finding-S3.8.json');
    const bad = clone(good);
    delete bad.AwsAccountId;
    const out = normalizeRecord(securityHubEvent([good, bad, good]), 'test');
    expect(out.map((o) => (o instanceof InputError ? o.code : 'ok'))).toEqual(['ok', 'MissingField', 'ok']);
    expect((out[1] as InputError).message).toContain('"detail.findings[1].AwsAccountId"');
  });

  it('names resource types as ASFF does, acronyms written as words', () => {
    const cases: [string, string][] = [
      ['AWS::RDS::DBInstance', 'AwsRdsDbInstance'],
      ['AWS::RDS::DBClusterSnapshot', 'AwsRdsDbClusterSnapshot'],
      ['AWS::EC2::VPNConnection', 'AwsEc2VpnConnection'],
      ['AWS::EC2::VPC', 'AwsEc2Vpc'],
      ['AWS::AppSync::GraphQLApi', 'AwsAppSyncGraphQlApi'],
      ['AWS::ElasticLoadBalancingV2::LoadBalancer', 'AwsElbv2LoadBalancer'],
      ['AWS::::Account', 'AwsAccount'],
    ];
    for (const [cfn, asff] of cases) expect(asffTypeFromCfn(cfn), cfn).toBe(asff);
  });

  it('reads names from ARNs of the kinds named after a marker, or from a bare name', () => {
    expect(idsFromArn('AwsLambdaFunction', 'arn:aws:lambda:us-east-1:123456789012:function:orders:live')).toEqual({ functionName: 'orders' });
    expect(idsFromArn('AwsIamRole', 'arn:aws:iam::123456789012:role/ci-deploy')).toEqual({ principalName: 'ci-deploy', principalType: 'Role' });
    expect(idsFromArn('AwsIamUser', 'legacy-admin')).toEqual({ principalName: 'legacy-admin', principalType: 'IAMUser' });
    expect(idsFromArn('AwsKmsKey', 'arn:aws:kms:us-east-1:123456789012:alias/other')).toEqual({});
  });

  it('reads snapshot identifiers from RDS snapshot ARNs', () => {
    expect(idsFromArn('AwsRdsDbSnapshot', 'arn:aws:rds:us-east-1:123456789012:snapshot:orders-manual').dbSnapshotIdentifier).toBe('orders-manual');
    expect(idsFromArn('AwsRdsDbClusterSnapshot', 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:catalog-1').dbSnapshotIdentifier).toBe('catalog-1');
  });
});

describe('Inspector', () => {
  it('normalizes the network reachability event', () => {
    const f = one(fixture('inspector2-finding-ec2-network-reachability.json'));
    expect(f.source).toBe('inspector');
    expect(f.type).toBe('NETWORK_REACHABILITY');
    expect(f.title).toBe('Port 22 is reachable from an Internet Gateway - TCP');
    expect(f.severity).toEqual({ label: 'MEDIUM', score: 40 });
    expect(f.region).toBe('eu-central-1');
    expect(f.firstSeen).toBe('2024-09-05T13:06:56.334Z');
    expect(f.resources).toEqual([
      { type: 'AwsEc2Instance', id: 'i-12345678901234567', region: 'eu-central-1', tags: {}, ids: { instanceId: 'i-12345678901234567', securityGroupIds: ['sg-0d34debf87410f2d9'], vpcId: 'vpc-12345678', subnetId: 'subnet-12345678' } },
    ]);
    expect(f.details).toEqual({ gateway: 'igw-261bab4d', openPorts: '22', platform: 'UBUNTU_22_04', portRangeBegin: 22, portRangeEnd: 22, protocol: 'TCP' });
  });

  it('normalizes the package vulnerability event with its Inspector score', () => {
    const f = one(fixture('inspector2-finding-ec2-package-vulnerability.json'));
    expect(f.type).toBe('PACKAGE_VULNERABILITY');
    expect(f.title).toBe('CVE-2024-29069 - snapd');
    expect(f.severity).toEqual({ label: 'MEDIUM', score: 48 });
    expect(f.details.vulnerabilityId).toBe('CVE-2024-29069');
    expect(f.workflowStatus).toBe('CLOSED');
  });

  it('rejects an unknown Inspector finding type and unparseable dates', () => {
    const e = fixture('inspector2-finding-ec2-network-reachability.json');
    const d = e.detail as Record<string, unknown>;
    d.type = 'MALWARE';
    expect(fails(e).code).toBe('InvalidField');
    const e2 = fixture('inspector2-finding-ec2-network-reachability.json');
    (e2.detail as Record<string, unknown>).firstObservedAt = 'Thu Foo 05 13:06:56.334 UTC 2024';
    expect(fails(e2).message).toContain('"detail.firstObservedAt"');
  });
});

describe('Macie', () => {
  it('normalizes the policy finding event', () => {
    const f = one(fixture('macie-finding-policy-s3-block-public-access-disabled.json'));
    expect(f.source).toBe('macie');
    expect(f.type).toBe('Policy:IAMUser/S3BlockPublicAccessDisabled');
    expect(f.severity).toEqual({ label: 'HIGH', score: 70 });
    expect(f.count).toBe(2);
    expect(f.resources).toEqual([
      { type: 'AwsS3Bucket', id: 'arn:aws:s3:::amzn-s3-demo-bucket1', region: 'us-east-1', tags: { Division: 'HR', Team: 'Recruiting' }, ids: { bucketName: 'amzn-s3-demo-bucket1' } },
    ]);
    expect(f.firstSeen).toBe('2024-04-29T15:46:02.000Z');
  });

  it('rejects a Macie finding whose severity is not Low, Medium or High', () => {
    const e = fixture('macie-finding-policy-s3-block-public-access-disabled.json');
    ((e.detail as Record<string, unknown>).severity as Record<string, unknown>).description = 'Extreme';
    const err = fails(e);
    expect(err.code).toBe('InvalidField');
    expect(err.message).toContain('"detail.severity.description"');
  });
});

describe('envelopes and unsupported input', () => {
  it('rejects unknown detail-types, non-objects and unknown records with stable codes', () => {
    expect(fails({ 'detail-type': 'EC2 Instance State-change Notification', detail: {} }).code).toBe('UnsupportedEvent');
    expect(fails([1, 2]).code).toBe('NotAnObject');
    expect(fails('text').code).toBe('NotAnObject');
    expect(fails(null).code).toBe('NotAnObject');
    expect(fails({ hello: 'world' }).code).toBe('UnsupportedRecord');
    expect(fails({ 'detail-type': 'GuardDuty Finding' }).code).toBe('MissingField');
    expect(fails({ 'detail-type': 'Security Hub Findings - Imported', source: 'aws.securityhub', detail: { findings: 'no' } }).code).toBe('InvalidField');
    expect(fails({ 'detail-type': 'Security Hub Findings - Imported', source: 'aws.securityhub', detail: { findings: [] } }).code).toBe('EmptyInput');
  });
});

describe('Config', () => {
  it('normalizes a compliance change to NON_COMPLIANT', async () => {
    const { configEvent } = await import('../../src/findings/samples.js');
    const e = configEvent({ account: '111122223333', region: 'eu-west-1', now: new Date('2024-05-01T10:00:00Z') });
    const f = one(e);
    const sg = ((e.detail as Record<string, unknown>).resourceId as string);
    expect(f.source).toBe('config');
    expect(f.type).toBe('restricted-ssh');
    expect(f.severity).toEqual({ label: 'MEDIUM', score: 40 });
    expect(f.compliance).toBe('NON_COMPLIANT');
    expect(f.account).toBe('111122223333');
    expect(f.region).toBe('eu-west-1');
    expect(f.lastSeen).toBe('2024-05-01T10:00:00.000Z');
    expect(f.resources).toEqual([{ type: 'AwsEc2SecurityGroup', id: sg, region: 'eu-west-1', tags: {}, ids: { securityGroupIds: [sg] } }]);
    expect(f.details.previousCompliance).toBe('COMPLIANT');
  });

  it('does not take an IAM user id for a user name', async () => {
    const { configEvent } = await import('../../src/findings/samples.js');
    const e = configEvent();
    const d = e.detail as Record<string, unknown>;
    d.resourceType = 'AWS::IAM::User';
    d.resourceId = 'AIDAEXAMPLEID';
    const f = one(e);
    expect(f.resources[0]).toMatchObject({ type: 'AwsIamUser', ids: {} });
  });

  it('rejects an unknown compliance type', async () => {
    const { configEvent } = await import('../../src/findings/samples.js');
    const e = configEvent();
    ((e.detail as Record<string, unknown>).newEvaluationResult as Record<string, unknown>).complianceType = 'MAYBE';
    const err = fails(e);
    expect(err.code).toBe('InvalidField');
    expect(err.message).toContain('"detail.newEvaluationResult.complianceType"');
  });
});

describe('Security Hub OCSF (Findings Imported V2)', () => {
  it('normalizes a compliance finding placed in the documented envelope', async () => {
    const { ocsfEvent } = await import('../../src/findings/samples.js');
    const { fixtureText } = await import('../helpers/fixtures.js');
    const finding = ((ocsfEvent('IAM.6').detail as { findings: unknown[] }).findings[0]) as Record<string, unknown>;
    // The template's placeholder stands for the finding's members inside `[{ ... }]`.
    const text = fixtureText('securityhub-v2-findings-imported-v2-envelope.template.json').replace('{{<finding content>}}', JSON.stringify(finding).slice(1, -1));
    const f = one(JSON.parse(text));
    expect(f.source).toBe('securityhub');
    expect(f.type).toBe('IAM.6');
    expect(f.severity).toEqual({ label: 'CRITICAL', score: 90 });
    expect(f.account).toBe('123456789012');
    expect(f.compliance).toBe('FAILED');
    expect(f.workflowStatus).toBe('NEW');
    expect(f.resources[0]).toMatchObject({ type: 'AwsAccount', id: 'AWS::::Account:123456789012' });
    expect(f.remediation?.url).toBe('https://docs.aws.amazon.com/console/securityhub/IAM.6/remediation');
  });

  it('rejects an OCSF finding without finding_info.uid', async () => {
    const { ocsfEvent } = await import('../../src/findings/samples.js');
    const e = ocsfEvent('IAM.6');
    delete ((e.detail as { findings: Record<string, Record<string, unknown>>[] }).findings[0]?.finding_info as Record<string, unknown>).uid;
    const err = fails(e);
    expect(err.code).toBe('MissingField');
    expect(err.message).toContain('"detail.findings[0].finding_info.uid"');
  });
});
