/**
 * Slack incoming webhook (the official @slack/webhook client): the same Block Kit message as the
 * Web API channel, posted to one fixed channel. Webhooks return no message id, so updates cannot
 * be threaded and are suppressed unless the severity rises.
 */
import { IncomingWebhook, IncomingWebhookHTTPError } from '@slack/webhook';
import type { SettingsOf } from '../config.js';
import { DeliveryError } from '../errors.js';
import type { Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { base } from './base.js';
import { slackMessage } from './slack.js';
import { retryableStatus, retryAfterMs } from '../../util/resilience.js';

type Settings = SettingsOf<'slack-webhook'>;

export function slackWebhookChannel(name: string, settings: Settings): Channel {
  return {
    ...base(name, settings),
    defaultRecipients: [settings.url],
    secretAddresses: true,
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      return { ext: 'json', body: `${JSON.stringify({ ...slackMessage(request, templates, 'slack-webhook'), unfurl_links: false }, null, 2)}\n`, meta: {} };
    },
    async send(rendered: Rendered, recipient: string): Promise<SendResult> {
      // The client drops response headers; keep Retry-After from the last answer ourselves.
      let retryAfter: string | null = null;
      const webhook = new IncomingWebhook(recipient, {
        timeout: settings.timeoutSeconds * 1000,
        fetch: async (input, init) => {
          const response = await fetch(input, init);
          retryAfter = response.headers.get('retry-after');
          return response;
        },
      });
      try {
        await webhook.send(JSON.parse(rendered.body) as Record<string, unknown>);
        return {};
      } catch (err) {
        if (err instanceof IncomingWebhookHTTPError) {
          throw new DeliveryError(`Slack webhook answered ${err.statusCode}: ${err.body.slice(0, 200)}`, retryableStatus(err.statusCode), err.statusCode, retryAfterMs(retryAfter), { cause: err });
        }
        throw new DeliveryError(`Slack webhook: ${(err as Error).message}`, true, undefined, undefined, { cause: err });
      }
    },
  };
}
