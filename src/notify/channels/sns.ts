/**
 * Amazon SNS topic: one publish reaches every subscriber. The message is a JSON structure with a
 * text for e-mail subscribers, a short one for SMS subscribers and a default for the rest (SQS,
 * Lambda, HTTPS). The outbox holds the exact `Publish` request.
 */
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import type { SettingsOf } from '../config.js';
import { fitSms, SNS_LIMITS, truncate, truncateBytes } from '../limits.js';
import { plain, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { arnRegion, awsDeliveryError, snsClient } from './aws.js';
import { base, templateName } from './base.js';

type Settings = SettingsOf<'sns'>;

/** An SNS subject: printable ASCII, one line, at most 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text.replace(/[\r\n\t]+/g, ' ').replace(/[^\x20-\x7e]/g, '?').trim();
  return truncate(ascii === '' ? 'firebreak' : ascii, SNS_LIMITS.subject, '...');
}

/** Fits the per-protocol texts so the whole JSON message stays within SNS's 256 KB. */
export function fitSnsMessage(parts: Record<string, string>): string {
  const out = { ...parts };
  if (out.sms !== undefined) out.sms = fitSms(out.sms, 2);
  let json = JSON.stringify(out);
  for (let round = 0; round < 4 && Buffer.byteLength(json) > SNS_LIMITS.messageBytes; round += 1) {
    const over = Buffer.byteLength(json) - SNS_LIMITS.messageBytes;
    const longest = Object.keys(out).reduce((a, b) => (Buffer.byteLength(out[a] ?? '') >= Buffer.byteLength(out[b] ?? '') ? a : b));
    // JSON escaping can double a byte; cut twice what is over, plus room for the ellipsis.
    out[longest] = truncateBytes(out[longest] ?? '', Math.max(0, Buffer.byteLength(out[longest] ?? '') - over * 2 - 16));
    json = JSON.stringify(out);
  }
  return json;
}

export function snsChannel(name: string, settings: Settings): Channel {
  const clients = new Map<string, SNSClient>();
  const client = (region: string | undefined): SNSClient => {
    const key = region ?? '';
    let c = clients.get(key);
    if (c === undefined) {
      c = snsClient(region, settings.endpoint);
      clients.set(key, c);
    }
    return c;
  };
  return {
    ...base(name, settings),
    defaultRecipients: [...(settings.topicArn === undefined ? [] : [settings.topicArn]), ...settings.to],
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const doc = templates.structure('sns', templateName(request, templates, 'sns', 'yaml'), request.view, plain) as { subject?: string; message?: Record<string, string> };
      const input: PublishCommandInput = {
        TopicArn: request.recipient,
        Subject: snsSubject(doc.subject ?? ''),
        Message: fitSnsMessage(doc.message ?? {}),
        MessageStructure: 'json',
      };
      return { ext: 'json', body: `${JSON.stringify(input, null, 2)}\n`, meta: {} };
    },
    async send(rendered: Rendered): Promise<SendResult> {
      const input = JSON.parse(rendered.body) as PublishCommandInput;
      try {
        const out = await client(settings.region ?? arnRegion(input.TopicArn ?? '')).send(new PublishCommand(input));
        return out.MessageId === undefined ? {} : { ref: out.MessageId };
      } catch (err) {
        throw awsDeliveryError('SNS', err);
      }
    },
    async close(): Promise<void> {
      for (const c of clients.values()) c.destroy();
    },
  };
}
