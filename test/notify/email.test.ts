import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChannel } from '../../src/notify/channels/index.js';
import { channelSchema } from '../../src/notify/config.js';
import { Notifier } from '../../src/notify/notifier.js';
import { analysed, fakeClock } from './support.js';

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

let server: SMTPServer;
let port = 0;
const inbox: Mail[] = [];
/** SMTP replies to give instead of accepting, in order. */
const refusals: { code: number; message: string }[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refusal = refusals.shift();
        if (refusal !== undefined) {
          const err = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
          callback(err);
          return;
        }
        inbox.push({ from: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function notifier(extra: Record<string, unknown> = {}): Notifier {
  const settings = channelSchema.parse({ type: 'email', smtp: { host: '127.0.0.1', port, secure: false }, from: 'firebreak <firebreak@example.com>', to: ['oncall@example.com', 'sec@example.com'], ...extra });
  return new Notifier({ channels: [{ channel: createChannel('mail', settings), settings }], retry: { retries: 2, baseMs: 1, maxMs: 5 }, clock: fakeClock(), accountAliases: { '123456789012': 'payments-prod' } });
}

describe('e-mail over SMTP', () => {
  it('delivers a multipart message with both parts, the right subject and a working console link', async () => {
    inbox.length = 0;
    const { finding, analysis } = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const n = notifier();
    const [outcome] = await n.notify(finding, analysis);
    await n.close();
    expect(outcome).toMatchObject({ status: 'sent', kind: 'alert', attempts: 1 });
    expect(inbox).toHaveLength(1);
    const mail = inbox[0] as Mail;
    expect(mail.to.sort()).toEqual(['oncall@example.com', 'sec@example.com']);
    expect(mail.from).toBe('firebreak@example.com');
    const parsed = await simpleParser(mail.raw);
    expect(parsed.subject).toBe(`[firebreak] ${finding.severity.label}: ${finding.title.replace(/[.\s]+$/, '')} (payments-prod (123456789012), us-east-1)`);
    expect(parsed.text).toContain('WHAT HAPPENED');
    expect(parsed.text).toContain(analysis.summary.slice(0, 60));
    expect(parsed.text).toContain('$ aws ec2 ');
    expect(parsed.html).toContain('<h2 style="font-size:15px;margin:12px 0 6px 0;">What happened</h2>');
    const instance = finding.resources[0]?.ids.instanceId as string;
    expect(parsed.html).toContain(instance);
    const links = [...String(parsed.html).matchAll(/href="([^"]+)"/g)].map((m) => (m[1] as string).replace(/&amp;/g, '&'));
    expect(links.some((l) => l.startsWith('https://us-east-1.console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?macros=current&fId='))).toBe(true);
    expect(parsed.messageId).toMatch(/@firebreak>$/);
    expect(parsed.headers.get('x-firebreak-kind')).toBe('alert');
  });

  it('escapes finding text in HTML, so a hostile description cannot inject markup', async () => {
    inbox.length = 0;
    const { finding, analysis } = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', {}, (f) => {
      f.title = 'Evil <img src=x onerror=alert(1)> title';
    });
    const n = notifier();
    await n.notify(finding, analysis);
    await n.close();
    const parsed = await simpleParser((inbox[0] as Mail).raw);
    expect(parsed.html).not.toContain('<img src=x');
    expect(parsed.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('retries a 4xx SMTP reply, gives up on 5xx and keeps the message for retry', async () => {
    inbox.length = 0;
    const { finding, analysis } = await analysed('Recon:EC2/PortProbeUnprotectedPort');
    refusals.push({ code: 451, message: 'try again later' });
    const n = notifier();
    const [ok] = await n.notify(finding, analysis);
    expect(ok).toMatchObject({ status: 'sent', attempts: 2 });
    expect(inbox).toHaveLength(1);

    const other = await analysed('UnauthorizedAccess:EC2/RDPBruteForce');
    refusals.push({ code: 550, message: 'mailbox unavailable' });
    const [failed] = await n.notify(other.finding, other.analysis);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.error).toContain('mailbox unavailable');
    expect(n.failures()).toHaveLength(1);
    // The same message, byte for byte, goes out when retried.
    const kept = n.failures()[0]?.rendered?.body as string;
    const [retried] = await n.retryFailed();
    await n.close();
    expect(retried).toMatchObject({ status: 'sent' });
    expect(inbox).toHaveLength(2);
    expect(inbox[1]?.raw.replace(/\r\n/g, '\n').trim()).toBe(kept.replace(/\r\n/g, '\n').trim());
  });

  it('writes the e-mail draft style: greeting, summary, steps, signature', async () => {
    inbox.length = 0;
    const { finding, analysis } = await analysed('UnauthorizedAccess:EC2/SSHBruteForce');
    const n = notifier({ style: 'email-draft' });
    await n.notify(finding, analysis);
    await n.close();
    const parsed = await simpleParser((inbox[0] as Mail).raw);
    expect(parsed.text).toMatch(/^Hello team,\n\n/);
    expect(parsed.text).toContain('Troubleshooting steps:');
    expect(String(parsed.text).trimEnd()).toMatch(/Best regards,\nYour Friendly Troubleshooter$/);
    expect(parsed.html).toContain('Your Friendly Troubleshooter');
  });

  it('threads an escalation under the first e-mail and suppresses plain repeats', async () => {
    inbox.length = 0;
    const { finding, analysis } = await analysed('UnauthorizedAccess:EC2/SSHBruteForce', { variant: 7 });
    const n = notifier();
    await n.notify(finding, analysis);
    finding.count += 3;
    finding.lastSeen = '2026-11-24T12:00:00.000Z';
    expect((await n.notify(finding, analysis))[0]?.status).toBe('suppressed');
    finding.severity = { label: 'HIGH', score: 8 };
    finding.lastSeen = '2026-11-24T13:00:00.000Z';
    expect((await n.notify(finding, analysis))[0]).toMatchObject({ status: 'sent', kind: 'update' });
    await n.close();
    expect(inbox).toHaveLength(2);
    const first = await simpleParser((inbox[0] as Mail).raw);
    const second = await simpleParser((inbox[1] as Mail).raw);
    expect(second.inReplyTo).toBe(first.messageId);
    expect(second.references).toContain(first.messageId as string);
    expect(second.subject).toMatch(/^Re: \[firebreak\] HIGH: /);
    expect(second.text).toContain('ESCALATED: Escalated from MEDIUM to HIGH');
  });
});
