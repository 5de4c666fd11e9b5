/**
 * PagerDuty Events API v2: a `trigger` event whose `dedup_key` is the finding's fingerprint, so
 * PagerDuty folds repeats into one incident. By default only CRITICAL findings page.
 */
import type { SettingsOf } from '../config.js';
import { PAGERDUTY_LIMITS, truncate } from '../limits.js';
import { plain, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { base, templateName } from './base.js';
import { postJson } from './http.js';
import { maskSecret } from '../secrets.js';

type Settings = SettingsOf<'pagerduty'>;

export function pagerdutyChannel(name: string, settings: Settings): Channel {
  return {
    ...base(name, settings),
    defaultRecipients: settings.routingKey === undefined ? [] : [settings.routingKey],
    secretAddresses: true,
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const event = templates.structure('pagerduty', templateName(request, templates, 'pagerduty', 'yaml'), request.view, plain) as { payload?: { summary?: string } } & Record<string, unknown>;
      // The routing key is a credential: the rendered event (kept for retries, written to the
      // outbox) names it masked, and `send` puts the configured key in.
      event.routing_key = maskSecret(request.recipient);
      if (event.payload?.summary !== undefined) event.payload.summary = truncate(event.payload.summary, PAGERDUTY_LIMITS.summary);
      return { ext: 'json', body: `${JSON.stringify(event, null, 2)}\n`, meta: {} };
    },
    async send(rendered: Rendered, recipient: string): Promise<SendResult> {
      const event = JSON.parse(rendered.body) as Record<string, unknown>;
      event.routing_key = recipient;
      const answer = await postJson(settings.url, JSON.stringify(event), {}, settings.timeoutSeconds * 1000, 'PagerDuty');
      try {
        const key = (JSON.parse(answer) as { dedup_key?: unknown }).dedup_key;
        return typeof key === 'string' ? { ref: key } : {};
      } catch {
        return {};
      }
    },
  };
}
