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

type Settings = SettingsOf<'pagerduty'>;

export function pagerdutyChannel(name: string, settings: Settings): Channel {
  return {
    ...base(name, settings),
    defaultRecipients: settings.routingKey === undefined ? [] : [settings.routingKey],
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const event = templates.structure('pagerduty', templateName(request, templates, 'pagerduty', 'yaml'), request.view, plain) as { payload?: { summary?: string } } & Record<string, unknown>;
      event.routing_key = request.recipient;
      if (event.payload?.summary !== undefined) event.payload.summary = truncate(event.payload.summary, PAGERDUTY_LIMITS.summary);
      return { ext: 'json', body: `${JSON.stringify(event, null, 2)}\n`, meta: {} };
    },
    async send(rendered: Rendered): Promise<SendResult> {
      const answer = await postJson(settings.url, rendered.body, {}, settings.timeoutSeconds * 1000, 'PagerDuty');
      try {
        const key = (JSON.parse(answer) as { dedup_key?: unknown }).dedup_key;
        return typeof key === 'string' ? { ref: key } : {};
      } catch {
        return {};
      }
    },
  };
}
