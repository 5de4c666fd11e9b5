/**
 * Slack through the Web API (`chat.postMessage` with Block Kit), using the official
 * @slack/web-api client. The first alert's `ts` is kept, so later updates of the same finding go
 * into its thread (and, when the severity rose, are also broadcast to the channel).
 */
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, WebClient } from '@slack/web-api';
import type { SettingsOf } from '../config.js';
import { DeliveryError } from '../errors.js';
import { fitSlack } from '../limits.js';
import { slackEscape, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { base, templateName } from './base.js';
import { retryableStatus, retryAfterMs } from '../../util/resilience.js';

type Settings = SettingsOf<'slack'>;

/** Slack platform errors worth retrying; every other `ok: false` answer is final (bad token, unknown channel). */
const TRANSIENT = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Renders the Block Kit message of a request, fitted to Slack's limits. */
export function slackMessage(request: MessageRequest, templates: Templates, type: 'slack' | 'slack-webhook'): { text: string; blocks: Record<string, unknown>[] } {
  const doc = templates.structure(type, templateName(request, templates, type, 'yaml'), request.view, slackEscape) as { text?: string; blocks?: Record<string, unknown>[] };
  return fitSlack({ text: doc.text ?? '', blocks: doc.blocks ?? [] });
}

function slackError(err: unknown): DeliveryError {
  if (err instanceof WebAPIRateLimitedError) return new DeliveryError('Slack: rate limited', true, 429, err.retryAfter * 1000, { cause: err });
  if (err instanceof WebAPIPlatformError) {
    const code = String(err.data.error);
    return new DeliveryError(`Slack: ${code}`, TRANSIENT.has(code), undefined, undefined, { cause: err });
  }
  if (err instanceof WebAPIHTTPError) return new DeliveryError(`Slack answered ${err.statusCode}`, retryableStatus(err.statusCode), err.statusCode, retryAfterMs(err.headers['retry-after']), { cause: err });
  if (err instanceof WebAPIRequestError) return new DeliveryError(`Slack: ${err.original.message}`, true, undefined, undefined, { cause: err });
  return new DeliveryError(`Slack: ${(err as Error).message}`, false, undefined, undefined, { cause: err });
}

export function slackChannel(name: string, settings: Settings): Channel {
  let client: WebClient | undefined;
  return {
    ...base(name, settings),
    defaultRecipients: settings.channel === undefined ? [] : [settings.channel],
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const message = slackMessage(request, templates, 'slack');
      const args: Record<string, unknown> = { channel: request.recipient, ...message, unfurl_links: false, unfurl_media: false };
      if (request.thread !== undefined) {
        args.thread_ts = request.thread;
        if (request.kind === 'update' && request.view.escalated) args.reply_broadcast = true;
      }
      return { ext: 'json', body: `${JSON.stringify(args, null, 2)}\n`, meta: {} };
    },
    async send(rendered: Rendered): Promise<SendResult> {
      client ??= new WebClient(settings.token, {
        ...(settings.apiUrl === undefined ? {} : { slackApiUrl: settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/` }),
        retryConfig: { retries: 0 },
        rejectRateLimitedCalls: true,
        timeout: settings.timeoutSeconds * 1000,
      });
      try {
        const out = await client.chat.postMessage(JSON.parse(rendered.body) as Parameters<WebClient['chat']['postMessage']>[0]);
        return out.ts === undefined ? {} : { ref: out.ts };
      } catch (err) {
        throw slackError(err);
      }
    },
  };
}
