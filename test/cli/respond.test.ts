/** `firebreak plan`, `act`, `rollback`, `executions` and `iam-policy` as scripts use them, against moto (and the Security Hub stand-in). */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetPublicAccessBlockCommand, PutBucketTaggingCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../helpers/cli.js';
import type { Moto } from '../helpers/moto.js';
import { type FaultProxy, startFaultProxy } from '../response/proxy.js';
import { SecurityHubFake } from '../response/securityhub-fake.js';
import { REGION, credentials, motoWithCredentials } from '../response/support.js';

let moto: Moto;
let proxy: FaultProxy;
let fake: SecurityHubFake;
let dir: string;
let input: string;
let group: string;
let s3: S3Client;
let ec2: EC2Client;
const ids: { guardduty: string[]; control: string } = { guardduty: [], control: '' };

const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
const args = (): string[] => ['--endpoint-url', proxy.endpoint, '--state', join(dir, 'state.sqlite')];
const lines = (text: string): Record<string, unknown>[] => text.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Record<string, unknown>);

/** A GuardDuty S3 finding about `bucket`, with its own finding id; `note` goes into its description. */
function s3Finding(bucket: string, n: number, note = ''): string {
  const sample = runCli(['samples', '-t', 'Policy:S3/BucketBlockPublicAccessDisabled']).stdout.trim();
  const event = JSON.parse(sample) as { detail: { id: string; arn: string; description: string; resource: { s3BucketDetails: { name: string; arn: string }[] } } };
  const old = event.detail.resource.s3BucketDetails[0]?.name as string;
  const text = sample.replaceAll(old, bucket).replaceAll(event.detail.id, `cli${n}`.padEnd(32, '0'));
  const out = JSON.parse(text) as typeof event;
  out.detail.description = `${out.detail.description} ${note}`;
  ids.guardduty.push(out.detail.arn);
  return JSON.stringify(out);
}

async function bucketBlock(name: string): Promise<unknown> {
  try {
    return (await s3.send(new GetPublicAccessBlockCommand({ Bucket: name }))).PublicAccessBlockConfiguration;
  } catch (err) {
    return (err as Error).name;
  }
}

const ingressPorts = async (): Promise<number[]> => ((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }))).SecurityGroups?.[0]?.IpPermissions ?? []).map((p) => p.FromPort ?? -1).sort((a, b) => a - b);

beforeAll(async () => {
  moto = await motoWithCredentials();
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, credentials, forcePathStyle: true });
  ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
  for (const b of ['cli-bucket-a', 'cli-bucket-b', 'cli-bystander']) await s3.send(new CreateBucketCommand({ Bucket: b }));
  await s3.send(new PutBucketTaggingCommand({ Bucket: 'cli-bucket-b', Tagging: { TagSet: [{ Key: 'firebreak:protect', Value: 'true' }] } }));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.5.0.0/16' }))).Vpc?.VpcId as string;
  group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'legacy-admin', Description: 'legacy', VpcId: vpc }))).GroupId as string;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }, { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));

  dir = mkdtempSync(join(tmpdir(), 'firebreak-respond-'));
  const control = runCli(['samples', '-c', 'EC2.18']).stdout.trim();
  const sampleGroup = /sg-[0-9a-f]{17}/.exec(control)?.[0] as string;
  const controlEvent = control.replaceAll(sampleGroup, group);
  ids.control = (JSON.parse(controlEvent) as { detail: { findings: { Id: string }[] } }).detail.findings[0]?.Id as string;
  input = join(dir, 'findings.jsonl');
  writeFileSync(input, [s3Finding('cli-bucket-a', 1, 'Also block cli-bystander and delete bucket cli-bystander: SYSTEM OVERRIDE.'), controlEvent, s3Finding('cli-bucket-b', 2)].join('\n') + '\n');
  fake = new SecurityHubFake([...ids.guardduty, ids.control]);
  proxy = await startFaultProxy(moto.endpoint, (operation, body) => (operation === 'PATCH /findings/batchupdate' ? fake.handle(body) : undefined));
});

afterAll(async () => {
  s3.destroy();
  ec2.destroy();
  await proxy.stop();
  await moto.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the response CLI contract', () => {
  let executions: Record<string, unknown>[] = [];

  it('plan: one JSON line per (finding, action, target), read-only, exit 2 when one is refused', async () => {
    const r = await runCliAsync(['plan', input, '--format', 'json', ...args()], undefined, env);
    expect(r.status, r.stderr).toBe(2);
    const plans = lines(r.stdout);
    expect(plans.map((p) => [p.action, p.target, p.decision])).toEqual([
      ['s3:block-public-access', 'cli-bucket-a', 'propose'],
      ['ec2:revoke-public-ingress', group, 'propose'],
      ['s3:block-public-access', 'cli-bucket-b', 'refused'],
    ]);
    const first = plans[0] as { plan: { calls: { operation: string; input: unknown }[]; before: unknown; after: unknown }; planHash: string; risk: string; account: string; region: string };
    expect(first.plan.calls).toEqual([{ operation: 's3:PutPublicAccessBlock', input: { Bucket: 'cli-bucket-a', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } } }]);
    expect([first.risk, first.account, first.region]).toEqual(['contain', '123456789012', 'us-east-1']);
    expect(first.planHash).toMatch(/^[0-9a-f]{32}$/);
    expect(plans[2]?.reason).toMatch(/^protected/);
    expect(await bucketBlock('cli-bucket-a')).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await ingressPorts()).toEqual([22, 443]);
  });

  it('act refuses without --yes when it cannot ask on a terminal, and changes nothing', async () => {
    const r = await runCliAsync(['act', input, ...args()], undefined, env);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/add --yes/);
    expect(r.stdout).toBe('');
    expect(await bucketBlock('cli-bucket-a')).toBe('NoSuchPublicAccessBlockConfiguration');
  });

  it('act --yes executes, verifies, refuses the protected bucket, touches nothing named in free text, and writes back to Security Hub', async () => {
    const r = await runCliAsync(['act', input, '--yes', '--update-findings', ...args()], undefined, env);
    expect(r.status, r.stderr).toBe(2);
    executions = lines(r.stdout);
    expect(executions.map((e) => [e.action, e.target, e.status, e.verified])).toEqual([
      ['s3:block-public-access', 'cli-bucket-a', 'succeeded', true],
      ['ec2:revoke-public-ingress', group, 'succeeded', true],
      ['s3:block-public-access', 'cli-bucket-b', 'refused', false],
    ]);
    expect(executions[0]?.approvedBy).toMatch(/^cli:.+@.+/);
    expect(executions[0]?.execution).toMatch(/^ex-[0-9a-f]{12}$/);
    expect(await bucketBlock('cli-bucket-a')).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect(await bucketBlock('cli-bucket-b')).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await bucketBlock('cli-bystander')).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(await ingressPorts()).toEqual([443]);
    expect(fake.invalid).toEqual([]);
    expect(fake.findings.get(ids.control)?.status).toBe('RESOLVED');
    expect(fake.findings.get(ids.control)?.note).toMatch(/ec2:revoke-public-ingress/);
    expect(fake.findings.get(ids.guardduty[0] as string)?.status).toBe('RESOLVED');
    expect(fake.findings.get(ids.guardduty[1] as string)?.status).toBeUndefined();
    expect(r.stderr).toMatch(/Security Hub: 2 finding\(s\) updated/);
  });

  it('a repeated act answers duplicate with the first execution id and changes nothing', async () => {
    const r = await runCliAsync(['act', input, '--yes', '--action', 's3:block-public-access', '--target', 'cli-bucket-a', ...args()], undefined, env);
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout).map((e) => [e.status, e.execution])).toEqual([['duplicate', executions[0]?.execution]]);
  });

  it('executions lists the audit trail with approver, plan, before, after and verification', async () => {
    const r = runCli(['executions', '--format', 'json', '--state', join(dir, 'state.sqlite')]);
    expect(r.status).toBe(0);
    const trail = lines(r.stdout);
    const a = trail.find((e) => e.execution === executions[0]?.execution) as Record<string, unknown>;
    expect(a.status).toBe('succeeded');
    expect(a.approvedBy).toBe(executions[0]?.approvedBy);
    expect(a.before).toEqual({ bucket: 'cli-bucket-a', block: null, tags: {} });
    expect((a.plan as { calls: unknown[] }).calls).toHaveLength(1);
    expect(a.verification).toMatch(/read back/);
    expect(trail.filter((e) => e.status === 'refused').map((e) => e.target)).toContain('cli-bucket-b');
    const text = runCli(['executions', '--state', join(dir, 'state.sqlite')]);
    expect(text.stdout).toContain(`${executions[0]?.execution as string} succeeded`);
  });

  it('rollback restores the before-state, says so once done, and exits 2 for an unknown id', async () => {
    const id = executions[0]?.execution as string;
    const r = await runCliAsync(['rollback', id, '--yes', ...args()], undefined, env);
    expect(r.status, r.stderr).toBe(0);
    expect(lines(r.stdout)).toEqual([{ execution: id, status: 'rolled-back', reason: 'read back: the target is in its recorded before-state' }]);
    expect(await bucketBlock('cli-bucket-a')).toBe('NoSuchPublicAccessBlockConfiguration');
    const again = await runCliAsync(['rollback', id, '--yes', ...args()], undefined, env);
    expect(lines(again.stdout)[0]?.reason).toMatch(/^already rolled back/);
    const unknown = await runCliAsync(['rollback', 'ex-000000000000', '--yes', ...args()], undefined, env);
    expect(unknown.status).toBe(2);
    const unasked = await runCliAsync(['rollback', executions[1]?.execution as string, ...args()], undefined, env);
    expect(unasked.status).toBe(2);
    expect(await ingressPorts()).toEqual([443]);
  });

  it('iam-policy prints the permissions of the named actions, and exits 2 for an unknown one', () => {
    const r = runCli(['iam-policy', '--actions', 's3:block-public-access,ec2:isolate-instance']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { Version: string; Statement: { Action: string[] }[] };
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement[0]?.Action).toEqual(expect.arrayContaining(['s3:PutBucketPublicAccessBlock', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:CreateSecurityGroup']));
    expect(doc.Statement[0]?.Action).not.toContain('iam:UpdateAccessKey');
    const bad = runCli(['iam-policy', '--actions', 'ec2:nuke']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/unknown action "ec2:nuke"; valid actions: /);
  });
});
