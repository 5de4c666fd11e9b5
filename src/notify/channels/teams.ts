/**
 * Microsoft Teams through an incoming webhook (or a Workflows webhook): a message carrying one
 * Adaptive Card (schema 1.4), kept under Teams' card size limit.
 */
import type { SettingsOf } from '../config.js';
import { TEAMS_CARD_BYTES, truncate } from '../limits.js';
import { teamsEscape, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { base, templateName } from './base.js';
import { postJson } from './http.js';

type Settings = SettingsOf<'teams'>;

type Card = { body?: Record<string, unknown>[] } & Record<string, unknown>;

/** Shrinks the longest text blocks until the card fits. */
function fitCard(card: Card): Card {
  const blocks = card.body ?? [];
  for (let round = 0; round < 20 && Buffer.byteLength(JSON.stringify(card)) > TEAMS_CARD_BYTES; round += 1) {
    const texts = blocks.filter((b) => typeof b.text === 'string') as { text: string }[];
    const longest = texts.reduce<{ text: string } | undefined>((a, b) => (a === undefined || b.text.length > a.text.length ? b : a), undefined);
    if (longest === undefined || longest.text.length < 200) break;
    longest.text = truncate(longest.text, Math.floor(longest.text.length / 2));
  }
  return card;
}

export function teamsChannel(name: string, settings: Settings): Channel {
  return {
    ...base(name, settings),
    defaultRecipients: settings.url === undefined ? [] : [settings.url],
    secretAddresses: true,
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const card = fitCard(templates.structure('teams', templateName(request, templates, 'teams', 'yaml'), request.view, teamsEscape) as Card);
      const message = { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card }] };
      return { ext: 'json', body: `${JSON.stringify(message, null, 2)}\n`, meta: {} };
    },
    async send(rendered: Rendered, recipient: string): Promise<SendResult> {
      await postJson(recipient, rendered.body, {}, settings.timeoutSeconds * 1000, 'Teams');
      return {};
    },
  };
}
