/**
 * Every service caps what it accepts; a message over a cap is rejected or cut by the service
 * where the reader loses the end (the link, the actions). These functions make a rendered
 * message fit first, cutting the longest text and saying so.
 */

/** Slack's documented limits for messages and Block Kit. */
export const SLACK_LIMITS = { blocks: 50, sectionText: 3000, headerText: 150, fields: 10, fieldText: 2000, contextElements: 10, buttonText: 75, url: 3000, text: 3000 } as const;

/** Amazon SNS: a message is at most 256 KB; a subject at most 100 ASCII characters. */
export const SNS_LIMITS = { messageBytes: 262_144, subject: 100 } as const;

/** Teams cards must stay under about 28 KB of JSON. */
export const TEAMS_CARD_BYTES = 28_000;

/** PagerDuty Events v2: summary at most 1,024 characters; the whole event at most 512 KB. */
export const PAGERDUTY_LIMITS = { summary: 1024, eventBytes: 512_000 } as const;

/** `text` cut to at most `max` characters (code points), ending with `…` when cut. */
export function truncate(text: string, max: number, ellipsis = '…'): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return `${chars.slice(0, Math.max(0, max - Array.from(ellipsis).length)).join('')}${ellipsis}`;
}

/**
 * The longest prefix of `text` (cut with `cut`) that `fits`, by binary search; `fits` must hold for
 * every prefix shorter than one that holds. A surrogate pair is never split.
 */
function longestFitting(text: string, cut: (prefix: string) => string, fits: (candidate: string) => boolean): string {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(cut(text.slice(0, mid)))) lo = mid;
    else hi = mid - 1;
  }
  const end = /[\uD800-\uDBFF]/.test(text.charAt(lo - 1)) ? lo - 1 : lo;
  return cut(text.slice(0, end));
}

/** `text` cut so its UTF-8 encoding is at most `max` bytes, ending with `…` when cut. */
export function truncateBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  return longestFitting(text, (p) => `${p}…`, (c) => Buffer.byteLength(c) <= max);
}

type Json = Record<string, unknown>;

function fitText(obj: Json | undefined, max: number): void {
  if (obj !== undefined && typeof obj.text === 'string') obj.text = truncate(obj.text, max);
}

/** Makes a Slack message (`text` and `blocks`) fit Slack's limits, in place, and returns it. */
export function fitSlack<T extends { text?: string; blocks?: Json[] }>(message: T): T {
  if (typeof message.text === 'string') message.text = truncate(message.text, SLACK_LIMITS.text);
  let blocks = message.blocks ?? [];
  for (const block of blocks) {
    if (block.type === 'header') fitText(block.text as Json, SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      fitText(block.text as Json, SLACK_LIMITS.sectionText);
      if (Array.isArray(block.fields)) {
        block.fields = (block.fields as Json[]).slice(0, SLACK_LIMITS.fields);
        for (const f of block.fields as Json[]) fitText(f, SLACK_LIMITS.fieldText);
      }
    }
    if (block.type === 'context' && Array.isArray(block.elements)) {
      block.elements = (block.elements as Json[]).slice(0, SLACK_LIMITS.contextElements);
      for (const e of block.elements as Json[]) fitText(e, SLACK_LIMITS.sectionText);
    }
    if (block.type === 'actions' && Array.isArray(block.elements)) {
      for (const e of block.elements as Json[]) fitText(e.text as Json, SLACK_LIMITS.buttonText);
    }
  }
  if (blocks.length > SLACK_LIMITS.blocks) {
    // Keep the head and the last block (the buttons), and say how much was left out.
    const last = blocks[blocks.length - 1] as Json;
    const dropped = blocks.length - SLACK_LIMITS.blocks + 1;
    blocks = [...blocks.slice(0, SLACK_LIMITS.blocks - 2), { type: 'context', elements: [{ type: 'mrkdwn', text: `…${dropped} more section${dropped === 1 ? '' : 's'} left out; open the finding for the full report.` }] }, last];
    message.blocks = blocks;
  }
  return message;
}

/** The GSM 03.38 basic character set (plus the extension table, which costs two septets). */
const GSM_BASIC = '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM_EXTENDED = '^{}\\[~]|€\f';

/** How an SMS is encoded and how many characters its segments hold. */
export function smsEncoding(text: string): { encoding: 'GSM-7' | 'UCS-2'; units: number } {
  let units = 0;
  for (const ch of text) {
    if (GSM_BASIC.includes(ch)) units += 1;
    else if (GSM_EXTENDED.includes(ch)) units += 2;
    else return { encoding: 'UCS-2', units: Array.from(text).reduce((n, c) => n + (c.length > 1 ? 2 : 1), 0) };
  }
  return { encoding: 'GSM-7', units };
}

/** How many segments an SMS takes (160/153 GSM-7 characters, 70/67 UCS-2 code units per segment). */
export function smsSegments(text: string): number {
  const { encoding, units } = smsEncoding(text);
  const single = encoding === 'GSM-7' ? 160 : 70;
  const multi = encoding === 'GSM-7' ? 153 : 67;
  return units <= single ? 1 : Math.ceil(units / multi);
}

/** `text` cut (with `...`) to fit in `maxSegments` SMS segments. */
export function fitSms(text: string, maxSegments: number): string {
  if (smsSegments(text) <= maxSegments) return text;
  return longestFitting(text, (p) => `${p.trimEnd()}...`, (c) => smsSegments(c) <= maxSegments);
}
