import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channels/index.js';
import { channelSchema } from '../../src/notify/config.js';
import { SNS_LIMITS, smsSegments } from '../../src/notify/limits.js';
import { Notifier } from '../../src/notify/notifier.js';
import { type Moto, startMoto } from '../helpers/moto.js';
import { analysed, fakeClock } from './support.js';

const REGION = 'us-east-1';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
let moto: Moto;
const saved = { key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

beforeAll(async () => {
  moto = await startMoto();
  // The channels use the SDK's default credential chain, as in production.
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
});

afterAll(async () => {
  await moto.stop();
  if (saved.key === undefined) delete process.env.AWS_ACCESS_KEY_ID;
  else process.env.AWS_ACCESS_KEY_ID = saved.key;
  if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
  else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
});

/** A topic with an SQS queue subscribed, so published messages can be read back. */
async function topicWithQueue(name: string): Promise<{ topicArn: string; read: () => Promise<Record<string, string>[]> }> {
  const sns = new SNSClient({ region: REGION, endpoint: moto.endpoint, credentials });
  const sqs = new SQSClient({ region: REGION, endpoint: moto.endpoint, credentials });
  const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: name }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-q` }));
  const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
  await sns.send(new SubscribeCommand({ TopicArn, Protocol: 'sqs', Endpoint: attrs.Attributes?.QueueArn }));
  return {
    topicArn: TopicArn as string,
    read: async () => {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
      return (out.Messages ?? []).map((m) => JSON.parse(m.Body ?? '{}') as Record<string, string>);
    },
  };
}

describe('Amazon SNS (moto server)', () => {
  it('publishes to a topic: subscribers get the subject and the report; the message fits SNS limits', async () => {
    const { topicArn, read } = await topicWithQueue('firebreak-alerts');
    const settings = channelSchema.parse({ type: 'sns', topicArn, endpoint: moto.endpoint });
    const n = new Notifier({ channels: [{ channel: createChannel('topic', settings), settings }], clock: fakeClock() });
    const { finding, analysis } = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const [outcome] = await n.notify(finding, analysis);
    await n.close();
    expect(outcome).toMatchObject({ status: 'sent', recipient: topicArn });
    expect(outcome?.ref).toMatch(/^[0-9a-f-]{36}$/);
    const messages = await read();
    expect(messages).toHaveLength(1);
    const envelope = messages[0] as Record<string, string>;
    expect(envelope.TopicArn).toBe(topicArn);
    expect(envelope.MessageId).toBe(outcome?.ref);
    expect(envelope.Subject).toMatch(/^\[firebreak\] \w+: /);
    expect(envelope.Subject?.length).toBeLessThanOrEqual(SNS_LIMITS.subject);
    expect(envelope.Message).toContain('WHAT HAPPENED');
    expect(envelope.Message).toContain(finding.resources[0]?.ids.instanceId);
  });

  it('cuts a huge report so the published message stays within 256 KB, and moto accepts it', async () => {
    const { topicArn, read } = await topicWithQueue('firebreak-big');
    const settings = channelSchema.parse({ type: 'sns', topicArn, endpoint: moto.endpoint });
    const n = new Notifier({ channels: [{ channel: createChannel('topic', settings), settings }], clock: fakeClock() });
    const { finding, analysis } = await analysed('Recon:EC2/PortProbeUnprotectedPort');
    const long = 'x'.repeat(1900);
    analysis.steps = Array.from({ length: 200 }, (_, i) => ({ phase: 'investigate' as const, title: `Step ${i}`, detail: long, commands: [`echo ${long}`] }));
    const [outcome] = await n.notify(finding, analysis);
    await n.close();
    expect(outcome).toMatchObject({ status: 'sent' });
    const [envelope] = await read();
    expect(Buffer.byteLength(envelope?.Message ?? '')).toBeLessThanOrEqual(SNS_LIMITS.messageBytes);
    expect(envelope?.Message).toContain('…');
  });

  it('sends direct SMS within the segment budget, and reports an unknown topic as failed without retrying', async () => {
    const settings = channelSchema.parse({ type: 'sms', to: ['+15555550123'], endpoint: moto.endpoint, region: REGION, maxSegments: 1 });
    const topic = channelSchema.parse({ type: 'sns', topicArn: 'arn:aws:sns:us-east-1:123456789012:does-not-exist', endpoint: moto.endpoint });
    const n = new Notifier({ channels: [{ channel: createChannel('sms', settings), settings }, { channel: createChannel('topic', topic), settings: topic }], clock: fakeClock(), retry: { retries: 2, baseMs: 1, maxMs: 2 } });
    const { finding, analysis } = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', {}, (f) => {
      f.severity = { label: 'HIGH', score: 8 };
    });
    const [sms, missing] = await n.notify(finding, analysis);
    expect(sms).toMatchObject({ status: 'sent', recipient: '+15555550123' });
    expect(sms?.ref).toMatch(/^[0-9a-f-]{36}$/);
    expect(missing).toMatchObject({ status: 'failed', attempts: 1 });
    expect(missing?.error).toMatch(/NotFound/);
    const sent = await fetch(`${moto.endpoint}/moto-api/data.json`).then((r) => r.json() as Promise<Record<string, Record<string, unknown[]>>>);
    const texts = (sent.sns?.SMS ?? []) as { phone_number?: string; message?: string }[];
    await n.close();
    expect(texts.length).toBe(1);
    expect(texts[0]?.phone_number).toBe('+15555550123');
    expect(smsSegments(texts[0]?.message ?? '')).toBe(1);
    expect(texts[0]?.message).toMatch(/^firebreak HIGH: UnauthorizedAccess:EC2\/SSHBruteForce on i-/);
  });
});
