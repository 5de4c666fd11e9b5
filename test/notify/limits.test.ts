import { describe, expect, it } from 'vitest';
import { fitSlack, fitSms, smsEncoding, smsSegments, truncate, truncateBytes } from '../../src/notify/limits.js';
import { fitSnsMessage, snsSubject } from '../../src/notify/channels/sns.js';

describe('message size limits', () => {
  it('keeps a Slack message within 50 blocks, keeping the buttons last and saying what was left out', () => {
    const blocks = [
      ...Array.from({ length: 80 }, (_, i) => ({ type: 'section', text: { type: 'mrkdwn', text: `step ${i} ${'y'.repeat(4000)}` } })),
      { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open' }, url: 'https://x.example' }] },
    ];
    const out = fitSlack({ text: 'z'.repeat(5000), blocks });
    expect(out.blocks).toHaveLength(50);
    expect(out.blocks?.[49]?.type).toBe('actions');
    expect(JSON.stringify(out.blocks?.[48])).toContain('32 more sections left out');
    expect(out.text?.length).toBe(3000);
    expect(((out.blocks?.[0] as { text: { text: string } }).text.text).length).toBe(3000);
    expect(((out.blocks?.[0] as { text: { text: string } }).text.text).endsWith('…')).toBe(true);
  });

  it('counts SMS segments for GSM-7 and UCS-2, and cuts to the budget', () => {
    expect(smsEncoding('plain text [x]')).toEqual({ encoding: 'GSM-7', units: 16 });
    expect(smsEncoding('naïve ✓').encoding).toBe('UCS-2');
    expect(smsSegments('a'.repeat(160))).toBe(1);
    expect(smsSegments('a'.repeat(161))).toBe(2);
    expect(smsSegments('✓'.repeat(70))).toBe(1);
    expect(smsSegments('✓'.repeat(71))).toBe(2);
    const cut = fitSms(`alert ${'word '.repeat(100)}`, 1);
    expect(smsSegments(cut)).toBe(1);
    expect(cut.endsWith('...')).toBe(true);
    const unicode = fitSms(`✓ ${'mot '.repeat(60)}`, 1);
    expect(unicode.length).toBeLessThanOrEqual(70);
  });

  it('cuts by bytes without splitting a character, and keeps SNS subjects printable ASCII', () => {
    const s = `${'a'.repeat(10)}😀😀😀`;
    const cut = truncateBytes(s, 16);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(16);
    expect(cut).not.toMatch(/[\uD800-\uDBFF]…$/);
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(snsSubject('Ünïcode\nsubject — with dash')).toBe('?n?code subject ? with dash');
    expect(snsSubject('x'.repeat(300)).length).toBe(100);
    const big = fitSnsMessage({ default: 'é'.repeat(200_000), email: 'b'.repeat(100_000), sms: 'c'.repeat(1000) });
    expect(Buffer.byteLength(big)).toBeLessThanOrEqual(262_144);
    const parsed = JSON.parse(big) as Record<string, string>;
    expect(smsSegments(parsed.sms as string)).toBeLessThanOrEqual(2);
    expect(parsed.email).toBe('b'.repeat(100_000));
  });
});
