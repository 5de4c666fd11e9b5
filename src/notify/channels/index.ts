/** Builds a channel from its settings. */
import type { ChannelSettings } from '../config.js';
import type { Channel } from '../types.js';
import { emailChannel } from './email.js';
import { pagerdutyChannel } from './pagerduty.js';
import { slackWebhookChannel } from './slack-webhook.js';
import { slackChannel } from './slack.js';
import { smsChannel } from './sms.js';
import { snsChannel } from './sns.js';
import { teamsChannel } from './teams.js';
import { webhookChannel } from './webhook.js';

/** The channel named `name` with `settings`. */
export function createChannel(name: string, settings: ChannelSettings): Channel {
  switch (settings.type) {
    case 'email': return emailChannel(name, settings);
    case 'sns': return snsChannel(name, settings);
    case 'sms': return smsChannel(name, settings);
    case 'slack': return slackChannel(name, settings);
    case 'slack-webhook': return slackWebhookChannel(name, settings);
    case 'teams': return teamsChannel(name, settings);
    case 'webhook': return webhookChannel(name, settings);
    case 'pagerduty': return pagerdutyChannel(name, settings);
  }
}
