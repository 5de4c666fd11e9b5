import { describe, expect, it } from 'vitest';
import { normalizeOne } from '../helpers/findings.js';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { idsFromArn } from '../../src/findings/normalize/common.js';
import { controlFinding, ocsfEvent, securityHubEvent } from '../../src/findings/samples.js';

type Json = Record<string, unknown>;

const one = normalizeOne;

describe('every identifier the finding carries is used', () => {
  it('reads EC2, SQS, SNS, ECS, EKS, IAM policy and GuardDuty ids from their ARNs', () => {
    expect(idsFromArn('AwsEc2Vpc', 'arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0a1b2c3d4e5f60718')).toEqual({ vpcId: 'vpc-0a1b2c3d4e5f60718' });
    expect(idsFromArn('AwsEc2Subnet', 'arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0a1b2c3d4e5f60718')).toEqual({ subnetId: 'subnet-0a1b2c3d4e5f60718' });
    expect(idsFromArn('AwsSqsQueue', 'arn:aws:sqs:eu-west-1:123456789012:orders')).toEqual({ queueName: 'orders', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders' });
    expect(idsFromArn('AwsSqsQueue', 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo')).toEqual({ queueName: 'orders.fifo', queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/orders.fifo' });
    expect(idsFromArn('AwsSnsTopic', 'arn:aws:sns:us-east-1:123456789012:alerts')).toEqual({ topicArn: 'arn:aws:sns:us-east-1:123456789012:alerts' });
    expect(idsFromArn('AwsEcsService', 'arn:aws:ecs:us-east-1:123456789012:service/orders-cluster/orders-api')).toEqual({ clusterName: 'orders-cluster', serviceName: 'orders-api' });
    expect(idsFromArn('AwsEksNodegroup', 'arn:aws:eks:us-east-1:123456789012:nodegroup/prod/general/1a2b')).toEqual({ clusterName: 'prod', nodegroupName: 'general' });
    expect(idsFromArn('AwsIamPolicy', 'arn:aws:iam::123456789012:policy/team/admin-access')).toEqual({ policyArn: 'arn:aws:iam::123456789012:policy/team/admin-access' });
    expect(idsFromArn('AwsGuardDutyDetector', 'arn:aws:guardduty:us-east-1:123456789012:detector/12abc34d567e8fa901bc2d34e56789f0')).toEqual({ detectorId: '12abc34d567e8fa901bc2d34e56789f0' });
    // Input strings that are also JavaScript property names are just unknown types.
    for (const t of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) expect(idsFromArn(t, 'x')).toEqual({});
  });

  it('takes an instance\'s VPC, subnet and interface from ASFF Details', () => {
    const f = one(securityHubEvent([controlFinding('EC2.8', { resourceType: 'AWS::EC2::Instance' })]));
    expect(f.resources[0]?.ids).toMatchObject({ instanceId: expect.stringMatching(/^i-/), vpcId: expect.stringMatching(/^vpc-/), subnetId: expect.stringMatching(/^subnet-/), networkInterfaceId: expect.stringMatching(/^eni-/) });
    const commands = new PlaybookAnalyst().analyzeSync(f).steps.flatMap((s) => s.commands).join('\n');
    expect(commands).toContain(`--instance-id ${String(f.resources[0]?.ids.instanceId)}`);
    expect(commands).not.toMatch(/INSTANCE_ID|<instance-id>/);
  });

  it('uses an OCSF resource\'s uid_alt ARN instead of building one from its id', () => {
    const event = ocsfEvent('IAM.1') as { detail: { findings: Json[] } };
    const finding = event.detail.findings[0] as Json;
    finding.resources = [{ type: 'AWS::IAM::Policy', uid: 'ANPAJ2UCCR6DPCEXAMPLE', uid_alt: 'arn:aws:iam::123456789012:policy/team/admin-access', region: 'us-east-1' }];
    const f = one(event);
    expect(f.resources[0]).toMatchObject({ type: 'AwsIamPolicy', id: 'arn:aws:iam::123456789012:policy/team/admin-access', ids: { policyArn: 'arn:aws:iam::123456789012:policy/team/admin-access' } });
    const commands = new PlaybookAnalyst().analyzeSync(f).steps.flatMap((s) => s.commands).join('\n');
    expect(commands).toContain('--policy-arn arn:aws:iam::123456789012:policy/team/admin-access');
    expect(commands).not.toContain('policy/ANPAJ2UCCR6DPCEXAMPLE');
  });

  it('an SQS control gets SQS commands on the queue URL, never SNS ones', () => {
    const finding = { ...controlFinding('SQS.1'), Resources: [{ Type: 'AwsSqsQueue', Id: 'arn:aws:sqs:us-east-1:123456789012:orders', Partition: 'aws', Region: 'us-east-1' }] };
    const a = new PlaybookAnalyst().analyzeSync(one(finding));
    const commands = a.steps.flatMap((s) => s.commands);
    expect(commands).toContain('aws sqs get-queue-attributes --region us-east-1 --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/orders --attribute-names KmsMasterKeyId SqsManagedSseEnabled');
    expect(commands.join('\n')).not.toMatch(/aws sns|topic-arn/);
    expect(a.iac?.terraform).not.toContain('aws_sns_topic');
  });

  it('a step says how to find an id the finding does not carry', () => {
    const a = new PlaybookAnalyst().analyzeSync(one(controlFinding('GuardDuty.1')));
    const step = a.steps.find((s) => s.commands.some((c) => c.includes("'<detector-id>'")));
    expect(step?.detail).toContain('Where the finding does not name <detector-id>: get it with: aws guardduty list-detectors.');
  });
});
