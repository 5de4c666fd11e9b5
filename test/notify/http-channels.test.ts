import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findingView } from '../../src/notify/view.js';
import { Templates } from '../../src/notify/template.js';
import { createChannel } from '../../src/notify/channels/index.js';
import { verifyWebhookSignature } from '../../src/notify/channels/webhook.js';
import { channelSchema } from '../../src/notify/config.js';
import { SLACK_LIMITS } from '../../src/notify/limits.js';
import { Notifier } from '../../src/notify/notifier.js';
import { analysed, fakeClock, type Receiver, startReceiver } from './support.js';

const receivers: Receiver[] = [];
afterEach(async () => {
  for (const r of receivers.splice(0)) await r.close();
});

async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  receivers.push(r);
  return r;
}

function notifier(name: string, raw: Record<string, unknown>, clock = fakeClock()): Notifier {
  const settings = channelSchema.parse(raw);
  return new Notifier({ channels: [{ channel: createChannel(name, settings), settings }], retry: { retries: 3, baseMs: 100, maxMs: 10_000 }, clock });
}

/** The parts of Block Kit firebreak uses, with Slack's documented limits. */
const text = (max: number) => z.strictObject({ type: z.enum(['plain_text', 'mrkdwn']), text: z.string().min(1).max(max), emoji: z.boolean().optional() });
const block = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), text: text(SLACK_LIMITS.headerText).extend({ type: z.literal('plain_text') }) }),
  z.strictObject({ type: z.literal('section'), text: text(3000).optional(), fields: z.array(text(2000)).max(10).optional() }),
  z.strictObject({ type: z.literal('context'), elements: z.array(text(3000)).min(1).max(10) }),
  z.strictObject({ type: z.literal('divider') }),
  z.strictObject({ type: z.literal('actions'), elements: z.array(z.strictObject({ type: z.literal('button'), text: text(75), url: z.url().max(3000), style: z.enum(['primary', 'danger']).optional() })).min(1).max(25) }),
]);
const slackMessage = z.object({ text: z.string().min(1).max(40_000), blocks: z.array(block).min(1).max(50) });

/** The Adaptive Card 1.4 elements firebreak uses. */
const element: z.ZodType = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('TextBlock'), text: z.string() }),
    z.object({ type: z.literal('FactSet'), facts: z.array(z.strictObject({ title: z.string(), value: z.string() })).min(1) }),
    z.object({ type: z.literal('Container'), items: z.array(element).min(1) }),
  ]),
);
const teamsMessage = z.strictObject({
  type: z.literal('message'),
  attachments: z.tuple([z.strictObject({
    contentType: z.literal('application/vnd.microsoft.card.adaptive'),
    contentUrl: z.null(),
    content: z.object({ $schema: z.literal('http://adaptivecards.io/schemas/adaptive-card.json'), type: z.literal('AdaptiveCard'), version: z.literal('1.4'), body: z.array(element).min(1), actions: z.array(z.object({ type: z.literal('Action.OpenUrl'), title: z.string(), url: z.url() })).min(1) }),
  })]),
});

/** Slack's Web API body: JSON, or form fields with `blocks` as a JSON string. */
function slackArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('json') === true) return JSON.parse(body) as Record<string, unknown>;
  const form = Object.fromEntries(new URLSearchParams(body));
  return { ...form, blocks: JSON.parse(form.blocks ?? '[]') as unknown };
}

describe('Slack Web API', () => {
  it('posts a valid Block Kit message, then threads updates under it and broadcasts an escalation', async () => {
    let ts = 0;
    const slack = await receiver(() => ({ status: 200, body: JSON.stringify({ ok: true, channel: 'C123', ts: `1700000000.00000${(ts += 1)}` }) }));
    const n = notifier('slack', { type: 'slack', token: 'xoxb-test-token', channel: 'C123', apiUrl: `${slack.url}/api/` });
    const first = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    expect((await n.notify(first.finding, first.analysis))[0]).toMatchObject({ status: 'sent', kind: 'alert', ref: '1700000000.000001' });
    expect(slack.requests[0]?.path).toBe('/api/chat.postMessage');
    expect(slack.requests[0]?.headers.authorization).toBe('Bearer xoxb-test-token');
    const alert = slackArgs(slack.requests[0]?.body ?? '', slack.requests[0]?.headers['content-type']);
    expect(alert.channel).toBe('C123');
    expect(alert.thread_ts).toBeUndefined();
    const parsed = slackMessage.parse(alert);
    expect(JSON.stringify(parsed.blocks)).toContain(first.finding.resources[0]?.ids.instanceId);

    // The same revision again: nothing is sent.
    expect((await n.notify(first.finding, first.analysis))[0]).toMatchObject({ status: 'duplicate' });
    // Seen more often: a reply in the thread.
    first.finding.count += 5;
    first.finding.lastSeen = '2026-11-24T11:00:00.000Z';
    expect((await n.notify(first.finding, first.analysis))[0]).toMatchObject({ status: 'sent', kind: 'update' });
    const update = slackArgs(slack.requests[1]?.body ?? '', slack.requests[1]?.headers['content-type']);
    expect(update.thread_ts).toBe('1700000000.000001');
    expect(update.reply_broadcast).toBeUndefined();
    expect(String(update.text)).toContain('Still active');
    // Severity rises: still in the thread, and broadcast to the channel.
    const before = first.finding.severity.label;
    first.finding.severity = { label: 'CRITICAL', score: 90 };
    await n.notify(first.finding, first.analysis);
    const escalation = slackArgs(slack.requests[2]?.body ?? '', slack.requests[2]?.headers['content-type']);
    expect(escalation.thread_ts).toBe('1700000000.000001');
    expect(String(escalation.reply_broadcast)).toBe('true');
    expect(String(escalation.text)).toContain(`Escalated from ${before} to CRITICAL`);
    await n.close();
    expect(slack.requests).toHaveLength(3);
  });

  it('waits as long as a 429 Retry-After says, and does not retry a platform error such as channel_not_found', async () => {
    const slack = await receiver(() => ({ status: 200, body: JSON.stringify({ ok: true, ts: '1.1' }) }));
    slack.answers.push({ status: 429, headers: { 'retry-after': '7' }, body: JSON.stringify({ ok: false, error: 'ratelimited' }) });
    const clock = fakeClock();
    const n = notifier('slack', { type: 'slack', token: 'xoxb-test-token', channel: 'C123', apiUrl: `${slack.url}/api/` }, clock);
    const a = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    expect((await n.notify(a.finding, a.analysis))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(clock.slept).toContain(7_000);

    slack.answers.push({ status: 200, body: JSON.stringify({ ok: false, error: 'channel_not_found' }) });
    const b = await analysed('Recon:EC2/PortProbeUnprotectedPort');
    const [failed] = await n.notify(b.finding, b.analysis);
    await n.close();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, error: 'Slack: channel_not_found' });
  });

  it('spaces messages to one channel by its per-minute limit', async () => {
    const slack = await receiver(() => ({ status: 200, body: JSON.stringify({ ok: true, ts: '1.1' }) }));
    const clock = fakeClock();
    const n = notifier('slack', { type: 'slack', token: 'xoxb-test-token', channel: 'C123', apiUrl: `${slack.url}/api/`, perMinute: 30 }, clock);
    for (const type of ['UnauthorizedAccess:EC2/SSHBruteForce', 'Recon:EC2/PortProbeUnprotectedPort', 'UnauthorizedAccess:EC2/RDPBruteForce']) {
      const x = await analysed(type);
      await n.notify(x.finding, x.analysis);
    }
    await n.close();
    expect(slack.requests).toHaveLength(3);
    expect(clock.slept).toEqual([2_000, 2_000]);
  });
});

describe('Slack incoming webhook', () => {
  it('posts the Block Kit message and retries a 500', async () => {
    const hook = await receiver();
    hook.answers.push({ status: 500, body: 'oops' });
    const n = notifier('hook', { type: 'slack-webhook', url: `${hook.url}/services/T000/B000/XXXX` });
    const a = await analysed('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    expect((await n.notify(a.finding, a.analysis))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    await n.close();
    expect(hook.requests).toHaveLength(2);
    expect(hook.requests[1]?.path).toBe('/services/T000/B000/XXXX');
    slackMessage.parse(JSON.parse(hook.requests[1]?.body ?? '{}'));
  });
});

describe('Microsoft Teams', () => {
  it('posts a message with an Adaptive Card 1.4 and honours Retry-After', async () => {
    const teams = await receiver(() => ({ status: 202, body: '' }));
    teams.answers.push({ status: 429, headers: { 'retry-after': '3' } });
    const clock = fakeClock();
    const n = notifier('teams', { type: 'teams', url: `${teams.url}/webhookb2/abc` }, clock);
    const a = await analysed('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS');
    expect((await n.notify(a.finding, a.analysis))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    await n.close();
    expect(clock.slept).toEqual([3_000]);
    const message = teamsMessage.parse(JSON.parse(teams.requests[1]?.body ?? '{}'));
    const card = message.attachments[0].content;
    expect(card.actions[0]?.url).toContain('console.aws.amazon.com/guardduty');
    expect(JSON.stringify(card.body)).toContain('What happened');
  });
});

describe('generic webhook', () => {
  it('signs the body with HMAC-SHA256 and the receiver can verify it; a wrong secret or changed body fails', async () => {
    const hook = await receiver();
    const secret = 'a-long-shared-secret-value';
    const n = notifier('siem', { type: 'webhook', url: `${hook.url}/in`, secret, headers: { 'x-team': 'sec' } });
    const a = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    await n.notify(a.finding, a.analysis);
    await n.close();
    const req = hook.requests[0];
    if (req === undefined) throw new Error('no request');
    const ts = String(req.headers['x-firebreak-timestamp']);
    const sig = String(req.headers['x-firebreak-signature']);
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(secret, ts, req.body, sig)).toBe(true);
    expect(verifyWebhookSignature('another-secret-of-length', ts, req.body, sig)).toBe(false);
    expect(verifyWebhookSignature(secret, ts, req.body.replace(a.finding.severity.label, 'LOW'), sig)).toBe(false);
    expect(verifyWebhookSignature(secret, String(Number(ts) - 3600), req.body, sig)).toBe(false);
    expect(req.headers['x-team']).toBe('sec');
    expect(req.headers['x-firebreak-delivery']).toMatch(/^[0-9a-f]{16}\./);
    const event = JSON.parse(req.body) as { event: string; finding: { severity: { score: unknown }; count: unknown; fingerprint: string }; analysis: { steps: { commands: unknown[] }[]; actions: unknown[] } };
    expect(event.event).toBe('finding.alert');
    expect(typeof event.finding.severity.score).toBe('number');
    expect(typeof event.finding.count).toBe('number');
    expect(event.finding.fingerprint).toBe(a.finding.fingerprint);
    expect(event.analysis.steps.length).toBe(a.analysis.steps.length);
    expect(Array.isArray(event.analysis.steps[0]?.commands)).toBe(true);
  });
});

describe('PagerDuty Events API v2', () => {
  it('triggers only for CRITICAL by default, with the fingerprint as dedup_key', async () => {
    const pd = await receiver(() => ({ status: 202, body: JSON.stringify({ status: 'success', message: 'Event processed', dedup_key: 'k' }) }));
    const n = notifier('pd', { type: 'pagerduty', routingKey: 'R0UT1NGKEY0000000000000000000000', url: `${pd.url}/v2/enqueue` });
    const high = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    expect((await n.notify(high.finding, high.analysis))[0]).toMatchObject({ status: 'below-threshold' });
    const critical = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { variant: 2 }, (f) => {
      f.severity = { label: 'CRITICAL', score: 95 };
    });
    expect((await n.notify(critical.finding, critical.analysis))[0]).toMatchObject({ status: 'sent' });
    pd.answers.push({ status: 400, body: JSON.stringify({ status: 'invalid event', errors: ['Event object is invalid'] }) });
    const other = await analysed('Recon:EC2/PortProbeUnprotectedPort', {}, (f) => {
      f.severity = { label: 'CRITICAL', score: 95 };
    });
    expect((await n.notify(other.finding, other.analysis))[0]).toMatchObject({ status: 'failed', attempts: 1, recipient: 'default' });
    // Kept without the routing key; the retry puts the configured one back in.
    expect((await n.retryFailed())[0]).toMatchObject({ status: 'sent', recipient: 'default' });
    expect(JSON.parse(pd.requests[2]?.body ?? '{}')).toMatchObject({ routing_key: 'R0UT1NGKEY0000000000000000000000', dedup_key: other.finding.fingerprint });
    await n.close();
    const event = JSON.parse(pd.requests[0]?.body ?? '{}') as Record<string, any>;
    expect(event).toMatchObject({ routing_key: 'R0UT1NGKEY0000000000000000000000', event_action: 'trigger', dedup_key: critical.finding.fingerprint, client: 'firebreak' });
    expect(event.payload).toMatchObject({ severity: 'critical', class: 'UnauthorizedAccess:EC2/SSHBruteForce', group: '123456789012' });
    expect(event.payload.summary.length).toBeLessThanOrEqual(1024);
    expect(event.links[0].href).toContain('console.aws.amazon.com');
  });

  it('never writes the routing key into the rendered event (outbox, ledger), only into the request', async () => {
    const settings = channelSchema.parse({ type: 'pagerduty', routingKey: 'R0UT1NGKEY0000000000000000000abcd' });
    const channel = createChannel('pd', settings);
    const critical = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', {}, (f) => {
      f.severity = { label: 'CRITICAL', score: 95 };
    });
    const rendered = await channel.render({ kind: 'alert', view: findingView(critical.finding, critical.analysis), recipient: 'R0UT1NGKEY0000000000000000000abcd', style: 'standard', date: new Date(), id: 'x' }, new Templates());
    expect(rendered.body).not.toContain('R0UT1NGKEY');
    expect(JSON.parse(rendered.body).routing_key).toBe('…abcd');
  });
});
