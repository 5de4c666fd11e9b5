/**
 * A generic webhook: a JSON event (shape from the `webhook/*.yaml` templates) POSTed to a URL.
 * With a secret, each request carries `X-Firebreak-Timestamp` and `X-Firebreak-Signature:
 * v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`, so the receiver can check origin and freshness;
 * `X-Firebreak-Delivery` is the same on every retry of one message, for the receiver to dedupe.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { SettingsOf } from '../config.js';
import { plain, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { base, templateName } from './base.js';
import { postJson } from './http.js';

type Settings = SettingsOf<'webhook'>;

/** The signature header value of `body` sent at `timestamp` (Unix seconds). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Checks a received signature: right secret, unchanged body, and a timestamp within `toleranceS`
 * of `nowS`. What a receiver runs; shown in docs/notify.md.
 */
export function verifyWebhookSignature(secret: string, timestamp: string, body: string, signature: string, nowS = Date.now() / 1000, toleranceS = 300): boolean {
  if (!/^\d+$/.test(timestamp) || Math.abs(nowS - Number(timestamp)) > toleranceS) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function webhookChannel(name: string, settings: Settings): Channel {
  return {
    ...base(name, settings),
    defaultRecipients: settings.url === undefined ? [] : [settings.url],
    secretAddresses: true,
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const event = templates.structure('webhook', templateName(request, templates, 'webhook', 'yaml'), request.view, plain);
      return { ext: 'json', body: `${JSON.stringify(event, null, 2)}\n`, meta: { delivery: request.id } };
    },
    async send(rendered: Rendered, recipient: string): Promise<SendResult> {
      const headers: Record<string, string> = { ...settings.headers, 'x-firebreak-delivery': String(rendered.meta.delivery) };
      if (settings.secret !== undefined) {
        const timestamp = String(Math.floor(Date.now() / 1000));
        headers['x-firebreak-timestamp'] = timestamp;
        headers['x-firebreak-signature'] = webhookSignature(settings.secret, timestamp, rendered.body);
      }
      await postJson(recipient, rendered.body, headers, settings.timeoutSeconds * 1000, 'webhook');
      return {};
    },
  };
}
