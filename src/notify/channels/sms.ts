/**
 * Direct SMS through Amazon SNS: a short text to each phone number, kept within the configured
 * number of segments (160 GSM-7 or 70 UCS-2 characters each). The outbox holds the text itself.
 */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { SettingsOf } from '../config.js';
import { fitSms } from '../limits.js';
import { plain, type Templates } from '../template.js';
import type { Channel, MessageRequest, Rendered, SendResult } from '../types.js';
import { awsDeliveryError, snsClient } from './aws.js';
import { base, templateName } from './base.js';

type Settings = SettingsOf<'sms'>;

export function smsChannel(name: string, settings: Settings): Channel {
  let client: SNSClient | undefined;
  return {
    ...base(name, settings),
    defaultRecipients: settings.to,
    async render(request: MessageRequest, templates: Templates): Promise<Rendered> {
      const text = templates.text('sms', templateName(request, templates, 'sms', 'txt'), 'txt', request.view, plain).replace(/\s*\n\s*/g, ' ').trim();
      return { ext: 'txt', body: fitSms(text, settings.maxSegments), meta: { phoneNumber: request.recipient } };
    },
    async send(rendered: Rendered): Promise<SendResult> {
      client ??= snsClient(settings.region, settings.endpoint);
      const attributes: Record<string, { DataType: string; StringValue: string }> = { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } };
      if (settings.senderId !== undefined) attributes['AWS.SNS.SMS.SenderID'] = { DataType: 'String', StringValue: settings.senderId };
      try {
        const out = await client.send(new PublishCommand({ PhoneNumber: String(rendered.meta.phoneNumber), Message: rendered.body, MessageAttributes: attributes }));
        return out.MessageId === undefined ? {} : { ref: out.MessageId };
      } catch (err) {
        throw awsDeliveryError('SNS SMS', err);
      }
    },
    async close(): Promise<void> {
      client?.destroy();
    },
  };
}
