/**
 * The response stage of notification runs against moto: under each route mode, what happens to a
 * proposed action (nothing, a plan, an execution within policy), what every channel's message
 * says about it, and the Security Hub write-back once people were told (through the stand-in).
 */
import { CreateBucketCommand, GetBucketPolicyCommand, GetPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/analysis/types.js';
import type { Finding } from '../../src/findings/model.js';
import { createChannel } from '../../src/notify/channels/index.js';
import { previewChannels } from '../../src/notify/config.js';
import { Templates } from '../../src/notify/template.js';
import { findingView } from '../../src/notify/view.js';
import { AwsSession } from '../../src/response/aws.js';
import { type ActionNote, ResponseStage, approveCommand, planSummary } from '../../src/response/stage.js';
import { FindingsWriter } from '../../src/response/writeback.js';
import type { Moto } from '../helpers/moto.js';
import { type FaultProxy, startFaultProxy } from './proxy.js';
import { SecurityHubFake } from './securityhub-fake.js';
import { REGION, credentials, engineOn, findingAbout, motoWithCredentials } from './support.js';

let moto: Moto;
let s3: S3Client;
let serial = 0;

beforeAll(async () => {
  moto = await motoWithCredentials();
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, credentials, forcePathStyle: true });
});
afterAll(async () => {
  s3.destroy();
  await moto.stop();
});

/** A new bucket and a Security Hub finding about it proposing to block public access and to require TLS. */
async function bucketFinding(over: Partial<Finding> = {}): Promise<{ bucket: string; finding: Finding; analysis: Analysis }> {
  serial += 1;
  const bucket = `stage-bucket-${serial}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const finding = findingAbout([{ type: 'AwsS3Bucket', id: `arn:aws:s3:::${bucket}`, ids: { bucketName: bucket } }], {
    source: 'securityhub',
    raw: { Id: `arn:aws:securityhub:${REGION}:123456789012:finding/stage-${serial}`, ProductArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub` },
    ...over,
  });
  const analysis: Analysis = {
    analyst: 'playbook',
    playbookId: 'S3.8',
    summary: `Bucket ${bucket} allows public access.`,
    impact: 'Anyone could read it.',
    falsePositives: [],
    steps: [],
    actions: [
      { action: 's3:block-public-access', target: bucket, risk: 'contain', reason: 'close the bucket' },
      { action: 's3:require-tls', target: bucket, risk: 'harden', reason: 'refuse plain HTTP' },
    ],
    references: [],
    mitre: [],
    confidence: 0.9,
  };
  return { bucket, finding, analysis };
}

const block = async (bucket: string): Promise<unknown> => {
  try {
    return (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration;
  } catch (err) {
    return (err as Error).name;
  }
};
const policy = async (bucket: string): Promise<unknown> => {
  try {
    return (await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy;
  } catch (err) {
    return (err as Error).name;
  }
};
const noteOf = (notes: ActionNote[], action: string): ActionNote => notes.find((n) => n.action === action) as ActionNote;

describe('the response stage of a notification', () => {
  it('under an auto route executes what the policy allows, proposes the rest with its plan, and says how to undo or approve', async () => {
    const { bucket, finding, analysis } = await bucketFinding();
    const engine = engineOn(moto.endpoint);
    const stage = new ResponseStage({ engine, commands: { config: 'firebreak.yaml', state: 'state.sqlite' } });
    const notes = await stage.decide(finding, analysis, 'auto', 'public-buckets', 'findings.json');

    const closed = noteOf(notes, 's3:block-public-access');
    expect(closed.state, closed.status).toBe('executed');
    expect(closed.verified).toBe(true);
    expect(closed.status).toMatch(/^executed automatically \(ex-[0-9a-f]{12}\).*verified by reading back/);
    expect(closed.command).toBe(`firebreak rollback ${closed.execution} --yes --config firebreak.yaml --state state.sqlite`);
    expect(closed.plan).toContain('s3:PutPublicAccessBlock');
    expect(await block(bucket)).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    expect(engine.log.get(closed.execution as string)?.approvedBy).toBe('policy:auto (route public-buckets)');

    // Harden is above the default maxAutoRisk (contain): planned, not executed.
    const tls = noteOf(notes, 's3:require-tls');
    expect(tls.state).toBe('proposed');
    expect(tls.status).toMatch(/^awaiting approval: s3:require-tls is harden, above response.maxAutoRisk/);
    expect(tls.plan).toMatch(/^s3:PutBucketPolicy; policy .* → /);
    expect(tls.command).toBe(`firebreak act findings.json --action s3:require-tls --target ${bucket} --yes --config firebreak.yaml --state state.sqlite`);
    expect(await policy(bucket)).toBe('NoSuchBucketPolicy');

    // A repeated delivery of the same finding never executes twice.
    const again = await stage.decide(finding, analysis, 'auto', 'public-buckets', 'findings.json');
    expect(noteOf(again, 's3:block-public-access')).toMatchObject({ state: 'duplicate', execution: closed.execution, command: '' });
    expect(engine.log.all().filter((r) => r.status === 'succeeded')).toHaveLength(1);
  });

  it('under a propose route plans without changing anything; under notify it does not even read', async () => {
    const { bucket, finding, analysis } = await bucketFinding();
    const engine = engineOn(moto.endpoint);
    const stage = new ResponseStage({ engine });
    const proposed = await stage.decide(finding, analysis, 'propose', 'owners', '-');
    expect(proposed.map((n) => n.state)).toEqual(['proposed', 'proposed']);
    expect(noteOf(proposed, 's3:block-public-access').plan).toMatch(/^s3:PutPublicAccessBlock; block null → \{"BlockPublicAcls":true/);
    expect(noteOf(proposed, 's3:block-public-access').command).toBe(`firebreak act --action s3:block-public-access --target ${bucket} --yes < FINDING.json`);
    expect(await block(bucket)).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(engine.log.all()).toEqual([]);

    const quiet = engineOn(moto.endpoint);
    const told = await new ResponseStage({ engine: quiet }).decide(finding, analysis, 'notify', 'fyi');
    expect(told.map((n) => [n.state, n.status, n.command])).toEqual([
      ['notify-only', 'not run: this route only notifies', ''],
      ['notify-only', 'not run: this route only notifies', ''],
    ]);
  });

  it('previews (--outbox) never execute, and a dry run or an exhausted blast radius is said and left to approve', async () => {
    const { bucket, finding, analysis } = await bucketFinding();
    const preview = await new ResponseStage({ engine: engineOn(moto.endpoint), preview: true }).decide(finding, analysis, 'auto', 'r');
    expect(noteOf(preview, 's3:block-public-access').status).toMatch(/^would run automatically \(preview: nothing executed\)/);
    const dry = await new ResponseStage({ engine: engineOn(moto.endpoint, { dryRun: true }) }).decide(finding, analysis, 'auto', 'r');
    expect(noteOf(dry, 's3:block-public-access')).toMatchObject({ state: 'refused', status: expect.stringMatching(/^not executed: dry-run/), command: expect.stringContaining('firebreak act') });
    expect(await block(bucket)).toBe('NoSuchPublicAccessBlockConfiguration');

    const engine = engineOn(moto.endpoint, { blastRadius: 1 });
    const stage = new ResponseStage({ engine });
    const first = await bucketFinding();
    expect(noteOf(await stage.decide(first.finding, first.analysis, 'auto', 'r'), 's3:block-public-access').state).toBe('executed');
    const second = await bucketFinding();
    const stopped = noteOf(await stage.decide(second.finding, second.analysis, 'auto', 'r'), 's3:block-public-access');
    expect(stopped.status).toMatch(/^not executed: blast-radius: 1 executions in account 123456789012/);
    expect(await block(second.bucket)).toBe('NoSuchPublicAccessBlockConfiguration');
  });

  it('without a response: section proposes with the approve command and says auto is off', async () => {
    const { finding, analysis } = await bucketFinding();
    const off = await new ResponseStage().decide(finding, analysis, 'auto', 'r', 'in.json');
    expect(off[0]).toMatchObject({ state: 'not-run', status: expect.stringMatching(/automatic response is off until firebreak.yaml has a response: section/), command: expect.stringMatching(/^firebreak act in.json --action s3:block-public-access/) });
    const plain = await new ResponseStage().decide(finding, analysis, 'propose', undefined, "it's here.json");
    expect(plain[0]?.command).toBe(`firebreak act 'it'\\''s here.json' --action s3:block-public-access --target ${finding.resources[0]?.ids.bucketName as string} --yes`);
  });

  it('every channel shows the plan, the approve command of a proposal and the rollback command of an execution', async () => {
    const { finding, analysis } = await bucketFinding();
    const notes = await new ResponseStage({ engine: engineOn(moto.endpoint) }).decide(finding, analysis, 'auto', 'r', 'findings.json');
    const executed = noteOf(notes, 's3:block-public-access');
    const view = findingView(finding, analysis, { mode: 'auto', actions: notes });
    expect(view.actions.map((a) => [a.state, a.commandLabel])).toEqual([
      ['executed', 'To roll back'],
      ['proposed', 'To approve'],
    ]);
    const templates = new Templates();
    for (const [name, settings] of Object.entries(previewChannels())) {
      const channel = createChannel(name, settings);
      const rendered = await channel.render({ kind: 'alert', view, recipient: channel.defaultRecipients[0] as string, style: 'standard', date: new Date(), id: 'x' }, templates);
      // E-mail bodies are quoted-printable: compare with soft line breaks removed and =3D decoded.
      const body = rendered.body.replace(/=\r?\n/g, '').replaceAll('=3D', '=');
      if (channel.type === 'sms') continue; // an SMS carries the one-line summary only
      expect(body, channel.type).toContain(`firebreak rollback ${executed.execution as string} --yes`);
      expect(body, channel.type).toContain('firebreak act findings.json --action s3:require-tls');
      if (channel.type !== 'pagerduty') expect(body, channel.type).toContain('s3:PutBucketPolicy');
    }
  });
});

describe('Security Hub write-back after notification', () => {
  let proxy: FaultProxy;
  let fake: SecurityHubFake;
  beforeAll(async () => {
    fake = new SecurityHubFake([]);
    proxy = await startFaultProxy(moto.endpoint, (operation, body) => (operation === 'PATCH /findings/batchupdate' ? fake.handle(body) : undefined));
  });
  afterAll(async () => {
    await proxy.stop();
  });

  it('marks NOTIFIED what people were told, RESOLVED what an automatic action fixed, and nothing else', async () => {
    const stage = new ResponseStage({ engine: engineOn(proxy.endpoint), writer: new FindingsWriter(new AwsSession({ endpoint: proxy.endpoint })) });
    const idOf = (f: Finding): string => (f.raw as { Id: string }).Id;
    const told = await bucketFinding();
    const fixed = await bucketFinding();
    const unsent = await bucketFinding();
    const already = await bucketFinding({ workflowStatus: 'NOTIFIED' });
    for (const f of [told, fixed, unsent, already]) fake.findings.set(idOf(f.finding), {});

    stage.told(told.finding, told.analysis, await stage.decide(told.finding, told.analysis, 'propose', 'r'), true);
    stage.told(fixed.finding, fixed.analysis, await stage.decide(fixed.finding, fixed.analysis, 'auto', 'r'), true);
    stage.told(unsent.finding, unsent.analysis, [], false);
    stage.told(already.finding, already.analysis, [], true);
    const report = await stage.flush();
    expect(report).toEqual({ updated: 2, failed: [], skipped: 0 });
    expect(fake.invalid).toEqual([]);
    expect(fake.findings.get(idOf(told.finding))).toEqual({
      status: 'NOTIFIED',
      note: `firebreak (S3.8): Bucket ${told.bucket} allows public access. Proposed: s3:block-public-access ${told.bucket}; s3:require-tls ${told.bucket} (awaiting approval).`,
    });
    expect(fake.findings.get(idOf(fixed.finding))).toEqual({ status: 'RESOLVED', note: expect.stringMatching(new RegExp(`Remediated: s3:block-public-access ${fixed.bucket} \\(ex-[0-9a-f]{12}\\)\\.$`)) });
    expect(fake.findings.get(idOf(unsent.finding))).toEqual({});
    expect(fake.findings.get(idOf(already.finding))).toEqual({});
  });

  it('keeps secrets in finding text out of the note', async () => {
    const stage = new ResponseStage({ writer: new FindingsWriter(new AwsSession({ endpoint: proxy.endpoint })) });
    const { finding, analysis } = await bucketFinding();
    fake.findings.set((finding.raw as { Id: string }).Id, {});
    stage.told(finding, { ...analysis, summary: 'Key AKIAIOSFODNN7EXAMPLE with secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked.' }, [], true);
    await stage.flush();
    const note = fake.findings.get((finding.raw as { Id: string }).Id)?.note ?? '';
    expect(note).toContain('firebreak (S3.8): Key');
    expect(note).not.toContain('wJalrXUtnFEMI');
  });
});

describe('plan summaries', () => {
  it('count repeated calls, show call outputs as references and cut long values', () => {
    const summary = planSummary({
      before: { interfaces: [{ id: 'eni-1', groups: ['sg-1'] }], tags: { a: 'b' } },
      calls: [
        { operation: 'ec2:CreateSecurityGroup', input: {}, as: 'quarantine' },
        { operation: 'ec2:ModifyNetworkInterfaceAttribute', input: {} },
        { operation: 'ec2:ModifyNetworkInterfaceAttribute', input: {} },
      ],
      after: { interfaces: [{ id: 'eni-1', groups: [{ $ref: 'quarantine.GroupId' }] }], tags: { a: 'b' }, note: 'x'.repeat(500) },
    });
    expect(summary).toMatch(/^ec2:CreateSecurityGroup, ec2:ModifyNetworkInterfaceAttribute ×2; interfaces \[\{"id":"eni-1","groups":\["sg-1"\]\}\] → \[\{"id":"eni-1","groups":\["<quarantine.GroupId>"\]\}\]; note null → "x+…$/);
    expect(summary.length).toBeLessThan(400);
    expect(planSummary({ before: {}, calls: [], after: {} })).toBe('already in place: no call to make');
    expect(approveCommand('iam:deactivate-access-key', 'AKIA1', { input: 'a b.json' })).toBe("firebreak act 'a b.json' --action iam:deactivate-access-key --target AKIA1 --yes");
  });
});
