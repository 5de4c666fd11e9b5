/**
 * `firebreak notify` with a response policy, as a user runs it against moto (and the Security Hub
 * stand-in): an `auto` route executes within the policy and the message says how to roll it back;
 * a `propose` route's message carries the plan and the command that approves it; both commands
 * work as printed; Security Hub is told NOTIFIED and RESOLVED.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, CreateVpcCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateBucketCommand, GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runCliAsync } from '../helpers/cli.js';
import type { Moto } from '../helpers/moto.js';
import { type Receiver, startReceiver } from '../notify/support.js';
import { type FaultProxy, ec2Error, startFaultProxy } from '../response/proxy.js';
import { SecurityHubFake } from '../response/securityhub-fake.js';
import { REGION, credentials, motoWithCredentials } from '../response/support.js';

let moto: Moto;
let proxy: FaultProxy;
let fake: SecurityHubFake;
let hook: Receiver;
let dir: string;
let group: string;
let s3: S3Client;
let ec2: EC2Client;
const ids = { control: '', guardduty: '' };
let controlEvent = '';
/** Set to fail EC2's RevokeSecurityGroupIngress the way AWS does. */
let failRevoke = false;

const env = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: REGION };

interface ActionView {
  action: string;
  target: string;
  state: string;
  approval: string;
  plan: string;
  command: string;
  execution: string;
}

/** The actions of the first webhook message about each finding source. */
function messages(): Map<string, ActionView[]> {
  const out = new Map<string, ActionView[]>();
  for (const r of hook.requests) {
    const body = JSON.parse(r.body) as { finding: { source: string }; analysis: { actions: ActionView[] } };
    if (!out.has(body.finding.source)) out.set(body.finding.source, body.analysis.actions);
  }
  return out;
}

const openPorts = async (): Promise<number[]> => ((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }))).SecurityGroups?.[0]?.IpPermissions ?? []).map((p) => p.FromPort ?? -1).sort((a, b) => a - b);
const blocked = async (bucket: string): Promise<boolean> => {
  try {
    return (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration?.BlockPublicPolicy === true;
  } catch {
    return false;
  }
};

/** Runs a command a message printed (`firebreak …`), in the test directory, through the proxy. */
const runPrinted = (command: string): ReturnType<typeof runCliAsync> => {
  const words = command.split(' ');
  expect(words[0]).toBe('firebreak');
  return runCliAsync([...words.slice(1), '--endpoint-url', proxy.endpoint], undefined, env);
};

beforeAll(async () => {
  moto = await motoWithCredentials();
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, credentials, forcePathStyle: true });
  ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: 'notify-bucket' }));
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.6.0.0/16' }))).Vpc?.VpcId as string;
  group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'open-admin', Description: 'open', VpcId: vpc }))).GroupId as string;
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: group, IpPermissions: [22, 443].map((port) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, IpRanges: [{ CidrIp: '0.0.0.0/0' }] })) }));

  dir = mkdtempSync(join(tmpdir(), 'firebreak-respond-notify-'));
  const control = runCli(['samples', '-c', 'EC2.18']).stdout.trim();
  controlEvent = control.replaceAll(/sg-[0-9a-f]{17}/.exec(control)?.[0] as string, group);
  ids.control = (JSON.parse(controlEvent) as { detail: { findings: { Id: string }[] } }).detail.findings[0]?.Id as string;
  const sample = runCli(['samples', '-t', 'Policy:S3/BucketBlockPublicAccessDisabled']).stdout.trim();
  const event = JSON.parse(sample) as { detail: { arn: string; resource: { s3BucketDetails: { name: string }[] } } };
  const gdEvent = sample.replaceAll(event.detail.resource.s3BucketDetails[0]?.name as string, 'notify-bucket');
  ids.guardduty = event.detail.arn;
  writeFileSync(join(dir, 'findings.jsonl'), `${controlEvent}\n${gdEvent}\n`);

  fake = new SecurityHubFake([ids.control, ids.guardduty]);
  proxy = await startFaultProxy(moto.endpoint, (operation, body) => {
    if (operation === 'PATCH /findings/batchupdate') return fake.handle(body);
    return failRevoke && operation === 'RevokeSecurityGroupIngress' ? { status: 500, body: ec2Error('InternalError', 'injected failure') } : undefined;
  });
  hook = await startReceiver();
  writeFileSync(
    join(dir, 'firebreak.yaml'),
    [
      'channels:',
      '  siem:',
      '    type: webhook',
      `    url: ${hook.url}/in`,
      'response:',
      '  maxAutoRisk: harden',
      'routes:',
      '  - name: open-groups',
      '    pattern: { source: [aws.securityhub] }',
      '    mode: auto',
      '  - name: buckets',
      '    pattern: { source: [aws.guardduty] }',
      '    mode: propose',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  s3.destroy();
  ec2.destroy();
  await hook.close();
  await proxy.stop();
  await moto.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('notify with a response policy', () => {
  const config = (): string => join(dir, 'firebreak.yaml');
  const state = (): string => join(dir, 'state.sqlite');
  const input = (): string => join(dir, 'findings.jsonl');

  it('executes what an auto route allows, proposes the rest with its plan, and tells Security Hub', async () => {
    const run = await runCliAsync(['notify', input(), '--config', config(), '--state', state(), '--endpoint-url', proxy.endpoint, '--update-findings', '--format', 'json'], undefined, env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('firebreak: response: 1 proposed, 1 executed');
    expect(run.stderr).toContain('Security Hub: 2 finding(s) updated, 0 not updated');

    const byMessage = messages();
    const revoke = byMessage.get('securityhub')?.find((a) => a.action === 'ec2:revoke-public-ingress') as ActionView;
    expect(revoke.state, revoke.approval).toBe('executed');
    expect(revoke.approval).toMatch(/^executed automatically \(ex-[0-9a-f]{12}\)/);
    expect(revoke.command).toBe(`firebreak rollback ${revoke.execution} --yes --config ${config()} --state ${state()}`);
    expect(await openPorts()).toEqual([443]);

    const close = byMessage.get('guardduty')?.find((a) => a.action === 's3:block-public-access') as ActionView;
    expect(close.state).toBe('proposed');
    expect(close.approval).toBe('awaiting approval: route "buckets" asks for approval');
    expect(close.plan).toMatch(/^s3:PutPublicAccessBlock; block null → \{"BlockPublicAcls":true/);
    expect(close.command).toBe(`firebreak act ${input()} --action s3:block-public-access --target notify-bucket --yes --config ${config()} --state ${state()}`);
    expect(await blocked('notify-bucket')).toBe(false);

    expect(fake.invalid).toEqual([]);
    expect(fake.findings.get(ids.control)).toMatchObject({ status: 'RESOLVED', note: expect.stringContaining(`Remediated: ec2:revoke-public-ingress ${group} (${revoke.execution})`) });
    expect(fake.findings.get(ids.guardduty)).toMatchObject({ status: 'NOTIFIED', note: expect.stringContaining('Proposed: s3:block-public-access notify-bucket') });
  }, 120_000);

  it('a second run sends nothing new and executes nothing again', async () => {
    const sent = hook.requests.length;
    const run = await runCliAsync(['notify', input(), '--config', config(), '--state', state(), '--endpoint-url', proxy.endpoint, '--format', 'json'], undefined, env);
    expect(run.status, run.stderr).toBe(0);
    expect(hook.requests.length).toBe(sent);
    const audit = runCli(['executions', '--format', 'json', '--state', state()], undefined, env).stdout.trim().split('\n');
    expect(audit.map((l) => (JSON.parse(l) as { status: string; approvedBy: string }).approvedBy)).toEqual(['policy:auto (route open-groups)']);
  }, 120_000);

  it('an automatic action that fails is undone, said in the message with the approve command, and gives exit status 1', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.7.0.0/16' }))).Vpc?.VpcId as string;
    const other = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'open-admin-2', Description: 'open', VpcId: vpc }))).GroupId as string;
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: other, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }));
    const file = join(dir, 'other.json');
    writeFileSync(file, controlEvent.replaceAll(group, other));
    const sent = hook.requests.length;
    failRevoke = true;
    try {
      const run = await runCliAsync(['notify', file, '--config', config(), '--state', state(), '--endpoint-url', proxy.endpoint, '--format', 'json'], undefined, env);
      expect(run.status, run.stderr).toBe(1);
      expect(run.stderr).toContain('firebreak: response: 1 failed');
    } finally {
      failRevoke = false;
    }
    const body = JSON.parse(hook.requests[sent]?.body ?? '{}') as { analysis: { actions: ActionView[] } };
    const revoke = body.analysis.actions.find((a) => a.action === 'ec2:revoke-public-ingress') as ActionView;
    expect(revoke.state).toBe('failed');
    expect(revoke.approval).toMatch(/^failed \(ex-[0-9a-f]{12}\): .*injected failure/);
    expect(revoke.command).toBe(`firebreak act ${file} --action ec2:revoke-public-ingress --target ${other} --yes --config ${config()} --state ${state()}`);
    const ports = (await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [other] }))).SecurityGroups?.[0]?.IpPermissions?.map((p) => p.FromPort);
    expect(ports).toEqual([3389]);
  }, 120_000);

  it('the commands the messages print approve and roll back as they say', async () => {
    const byMessage = messages();
    const revoke = byMessage.get('securityhub')?.find((a) => a.action === 'ec2:revoke-public-ingress') as ActionView;
    const back = await runPrinted(revoke.command);
    expect(back.status, back.stderr).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ execution: revoke.execution, status: 'rolled-back' });
    expect(await openPorts()).toEqual([22, 443]);

    const close = byMessage.get('guardduty')?.find((a) => a.action === 's3:block-public-access') as ActionView;
    const act = await runPrinted(close.command);
    expect(act.status, act.stderr).toBe(0);
    expect(JSON.parse(act.stdout.trim().split('\n')[0] as string)).toMatchObject({ action: 's3:block-public-access', target: 'notify-bucket', status: 'succeeded', verified: true });
    expect(await blocked('notify-bucket')).toBe(true);
  }, 120_000);
});
