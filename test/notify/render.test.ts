import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import type { Analysis } from '../../src/analysis/types.js';
import { demoEvents } from '../../src/findings/samples.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { createChannel } from '../../src/notify/channels/index.js';
import { previewChannels } from '../../src/notify/config.js';
import { SLACK_LIMITS, smsSegments, SNS_LIMITS, TEAMS_CARD_BYTES } from '../../src/notify/limits.js';
import { TemplateError } from '../../src/notify/errors.js';
import { plain, slackEscape, Templates } from '../../src/notify/template.js';
import type { Channel, MessageRequest } from '../../src/notify/types.js';
import { digestView, findingView } from '../../src/notify/view.js';

const analyst = new PlaybookAnalyst();
const findings: { finding: Finding; analysis: Analysis }[] = demoEvents({ now: new Date('2026-11-24T10:00:00Z') })
  .flatMap((e) => normalizeRecord(e, 'demo'))
  .filter((f): f is Finding => !(f instanceof Error))
  .map((finding) => ({ finding, analysis: analyst.analyzeSync(finding) }));
const templates = new Templates();
const channels: Channel[] = Object.entries(previewChannels()).map(([name, s]) => createChannel(name, s));
const work = mkdtempSync(join(tmpdir(), 'firebreak-templates-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function requests(channel: Channel): MessageRequest[] {
  const date = new Date('2026-11-24T10:30:00Z');
  const recipient = channel.defaultRecipients[0] as string;
  const out: MessageRequest[] = [];
  for (const { finding, analysis } of findings) {
    out.push({ kind: 'alert', view: findingView(finding, analysis), recipient, style: 'standard', date, id: 'a' });
    out.push({ kind: 'alert', view: findingView(finding, analysis), recipient, style: 'email-draft', date, id: 'b' });
    out.push({ kind: 'update', view: findingView(finding, analysis, { update: { previousSeverity: 'LOW', previousCount: 1 } }, 'update'), recipient, style: 'standard', date, id: 'c', thread: 'root' });
  }
  out.push({ kind: 'digest', view: digestView(findings.map((f) => findingView(f.finding, f.analysis)), 'daily', '2026-11-24'), recipient, style: 'standard', date, id: 'd' });
  return out;
}

describe('built-in templates', () => {
  it.each(channels.map((c) => [c.type, c] as const))('%s renders every kind for every demo finding, within its limits', async (_type, channel) => {
    for (const request of requests(channel)) {
      const rendered = await channel.render(request, templates);
      expect(rendered.body).not.toMatch(/undefined|\[object Object\]|\{\{|\}\}/);
      if (rendered.ext === 'json') {
        const body = JSON.parse(rendered.body) as Record<string, any>;
        if (channel.type === 'slack') {
          expect(body.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
          for (const b of body.blocks) if (b.type === 'section' && b.text !== undefined) expect(b.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
        }
        if (channel.type === 'teams') expect(Buffer.byteLength(rendered.body)).toBeLessThanOrEqual(TEAMS_CARD_BYTES + 200);
        if (channel.type === 'sns') {
          expect(body.Subject.length).toBeLessThanOrEqual(SNS_LIMITS.subject);
          expect(Object.keys(JSON.parse(body.Message))).toEqual(['default', 'email', 'sms']);
        }
      }
      if (channel.type === 'sms') expect(smsSegments(rendered.body)).toBeLessThanOrEqual(2);
    }
  });

  it('escape finding text for Slack so it cannot mention @channel or plant links, and for HTML in e-mail', async () => {
    const { finding, analysis } = findings[0] as { finding: Finding; analysis: Analysis };
    const hostile = { ...analysis, summary: '<!channel> see <https://evil.example|your bank> & [click](https://evil.example) <b>x</b>' };
    const view = findingView(finding, hostile);
    const slack = channels.find((c) => c.type === 'slack') as Channel;
    const body = (await slack.render({ kind: 'alert', view, recipient: 'C1', style: 'standard', date: new Date(), id: 'x' }, templates)).body;
    expect(body).not.toContain('<!channel>');
    expect(body).toContain('&lt;!channel&gt; see &lt;https://evil.example|your bank&gt; &amp;');
    const teams = channels.find((c) => c.type === 'teams') as Channel;
    expect((await teams.render({ kind: 'alert', view, recipient: 'https://x.example', style: 'standard', date: new Date(), id: 'x' }, templates)).body).not.toContain('](https://evil');
    const email = channels.find((c) => c.type === 'email') as Channel;
    const eml = (await email.render({ kind: 'alert', view, recipient: 'a@example.com', style: 'standard', date: new Date(), id: 'x' }, templates)).body;
    const html = String((await simpleParser(eml)).html);
    expect(html).not.toContain('<b>x</b>');
    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;');
  });

  it('without the response stage, never claims under mode auto that an action runs', async () => {
    const withActions = findings.find((f) => f.analysis.actions.length > 0) as { finding: Finding; analysis: Analysis };
    const view = findingView(withActions.finding, withActions.analysis, { mode: 'auto' });
    expect(view.actions.length).toBeGreaterThan(0);
    for (const a of view.actions) {
      expect(a.approval).not.toMatch(/runs automatically|will run/i);
      expect(a.approval).toMatch(/^not run/);
    }
    for (const channel of channels) {
      const body = (await channel.render({ kind: 'alert', view, recipient: channel.defaultRecipients[0] as string, style: 'standard', date: new Date(), id: 'x' }, templates)).body;
      expect(body, channel.type).not.toMatch(/runs automatically/i);
    }
  });

  it('never lets an encoded-word in a title become the e-mail subject a client shows', async () => {
    const { finding, analysis } = findings[0] as { finding: Finding; analysis: Analysis };
    const email = channels.find((c) => c.type === 'email') as Channel;
    for (const title of ['=?utf-8?B?WW91ciBhY2NvdW50IGlzIHNhZmU=?=', 'Alert =?UTF-8?Q?All_clear?= now', 'caf\u00e9 =?iso-8859-1?q?Resolved_safely?=']) {
      const view = findingView({ ...finding, title }, analysis);
      const eml = (await email.render({ kind: 'alert', view, recipient: 'a@example.com', style: 'standard', date: new Date(), id: 'x' }, templates)).body;
      // The subject as a mail client decodes it still shows the encoded-word as text.
      const subject = String((await simpleParser(eml)).subject);
      expect(subject).not.toMatch(/account is safe|All clear|Resolved safely/);
      expect(subject).toContain('= ?');
    }
  });

  it('never carries a secret from finding text into a message', async () => {
    const { finding, analysis } = findings[0] as { finding: Finding; analysis: Analysis };
    const leaky = { ...analysis, summary: 'found aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY in user data', steps: [{ phase: 'investigate' as const, title: 'Look', detail: 'token: ghp_abcdefghijklmnopqrstuvwxyz0123456789', commands: ['curl -H "Authorization: Bearer abcdefghijklmnop1234" https://x'] }] };
    for (const channel of channels) {
      const body = (await channel.render({ kind: 'alert', view: findingView(finding, leaky), recipient: channel.defaultRecipients[0] as string, style: 'standard', date: new Date(), id: 'x' }, templates)).body;
      expect(body).not.toContain('wJalrXUtnFEMI');
      expect(body).not.toContain('ghp_abcdefghij');
      expect(body).not.toContain('abcdefghijklmnop1234');
    }
  });
});

describe('template engine', () => {
  it('expands $each, $if, $unless and $value, and includes partials', () => {
    const dir = join(work, 'engine');
    mkdirSync(join(dir, 'webhook'), { recursive: true });
    mkdirSync(join(dir, 'sms'), { recursive: true });
    writeFileSync(join(dir, 'sms', 'hello.txt'), 'hi {{name}}');
    writeFileSync(join(dir, 'webhook', 'custom.yaml'), [
      'list:',
      '  - $each: items',
      '    $item: { n: "{{n}} of {{name}}", raw: { $value: n } }',
      '  - { $if: empty, never: true }',
      '  - { $unless: empty, always: "{{> sms/hello.txt}}" }',
      'count: { $value: count }',
    ].join('\n'));
    const t = new Templates(dir);
    expect(t.structure('webhook', 'custom', { name: 'x', items: [{ n: 1 }, { n: 2 }], empty: [], count: 7 }, plain)).toEqual({
      list: [{ n: '1 of x', raw: 1 }, { n: '2 of x', raw: 2 }, { always: 'hi x' }],
      count: 7,
    });
  });

  it('takes a user template over the built-in one, and names a missing one', () => {
    const dir = join(work, 'override');
    mkdirSync(join(dir, 'sms'), { recursive: true });
    writeFileSync(join(dir, 'sms', 'alert.txt'), 'CUSTOM {{severity}} {{resourceId}}');
    const { finding, analysis } = findings[0] as { finding: Finding; analysis: Analysis };
    const view = findingView(finding, analysis);
    expect(new Templates(dir).text('sms', 'alert', 'txt', view)).toBe(`CUSTOM ${finding.severity.label} ${view.resourceId}`);
    // Parts the user did not override still come from the built-in set.
    expect(new Templates(dir).text('sms', 'update', 'txt', view)).toContain('firebreak');
    expect(() => new Templates(dir).text('sms', 'nope', 'txt', view)).toThrow(TemplateError);
    expect(() => new Templates(dir).text('sms', 'nope', 'txt', view)).toThrow(`no template sms/nope.txt in ${dir} or in the built-in set`);
    expect(slackEscape('a<b>&c')).toBe('a&lt;b&gt;&amp;c');
  });
});
