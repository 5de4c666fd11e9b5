/**
 * E-mail over SMTP with nodemailer: a multipart message with a plain-text and an HTML part. The
 * outbox holds the exact RFC 5322 message that is sent, and updates carry `In-Reply-To` and
 * `References` so mail clients thread them under the first alert.
 */
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import { DeliveryError } from '../errors.js';
import type { SettingsOf } from '../config.js';
import { htmlEscape, plain, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { base, templateName } from './base.js';

type Settings = SettingsOf<'email'>;

/** Builds the RFC 5322 bytes of a message. */
async function compose(options: SendMailOptions): Promise<string> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  const info = await transport.sendMail(options);
  return (info.message as Buffer).toString('utf8');
}

/**
 * One header line of subject. A finding's title may carry an RFC 2047 encoded-word
 * (`=?utf-8?B?...?=`), which a mail client would decode into text of the attacker's choosing; the
 * opener is broken (`= ?`) so the title shows as written.
 */
export function subjectLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/=\?/g, '= ?');
}

/** Maps nodemailer's failures: 4xx SMTP replies and connection trouble are transient, 5xx are not. */
function deliveryError(err: unknown): DeliveryError {
  const e = err as { message?: string; code?: string; responseCode?: number };
  const status = e.responseCode;
  const transient = status !== undefined ? status >= 400 && status < 500 : ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNRESET'].includes(e.code ?? '');
  return new DeliveryError(`SMTP: ${e.message ?? String(err)}`, transient, status, undefined, { cause: err });
}

export function emailChannel(name: string, settings: Settings): Channel {
  let transport: Transporter | undefined;
  const smtp = (): Transporter => {
    transport ??= nodemailer.createTransport({
      host: settings.smtp.host,
      port: settings.smtp.port,
      secure: settings.smtp.secure,
      ...(settings.smtp.user === undefined ? {} : { auth: { user: settings.smtp.user, pass: settings.smtp.password ?? '' } }),
      connectionTimeout: settings.timeoutSeconds * 1000,
      greetingTimeout: settings.timeoutSeconds * 1000,
      socketTimeout: settings.timeoutSeconds * 1000,
    });
    return transport;
  };
  return {
    ...base(name, settings),
    defaultRecipients: settings.to.length === 0 ? [] : [settings.to.join(', ')],
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const tpl = templateName(request, templates, 'email', 'txt');
      const messageId = `<${request.id}@firebreak>`;
      const to = request.recipient;
      const body = await compose({
        from: settings.from,
        to,
        subject: subjectLine(templates.text('email', tpl, 'subject', request.view, plain)),
        text: templates.text('email', tpl, 'txt', request.view, plain),
        html: templates.text('email', tpl, 'html', request.view, htmlEscape),
        messageId,
        date: request.date,
        ...(request.thread === undefined ? {} : { inReplyTo: request.thread, references: [request.thread] }),
        headers: { 'X-Firebreak-Kind': request.kind },
      });
      return { ext: 'eml', body, meta: { from: settings.from, to, messageId } };
    },
    async send(rendered: Rendered): Promise<SendResult> {
      const meta = rendered.meta as { from: string; to: string; messageId: string };
      const envelope = { from: addressparser(meta.from, { flatten: true })[0]?.address ?? meta.from, to: addressparser(meta.to, { flatten: true }).map((a) => a.address) };
      try {
        await smtp().sendMail({ envelope, raw: rendered.body });
      } catch (err) {
        throw deliveryError(err);
      }
      return { ref: meta.messageId };
    },
    async close(): Promise<void> {
      transport?.close();
    },
  };
}
