/**
 * The notification part of `firebreak.yaml`: channels, teams and their recipients, account
 * aliases, digests. Validated here, at the edge; the channels trust it.
 */
import { z } from 'zod';
import { SEVERITY_LABELS, type SeverityLabel } from '../findings/model.js';
import { CHANNEL_TYPES, type ChannelType, MESSAGE_STYLES } from './types.js';

const severity = z.enum(SEVERITY_LABELS);
const nonEmpty = z.string().min(1);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in E.164 form, like +15555550123');

/** A digest: findings below `below` (and at or above the channel's `minSeverity`) are collected and sent once per period. */
export const digestSchema = z.strictObject({
  schedule: z.enum(['hourly', 'daily']),
  below: severity.default('HIGH'),
});
export type DigestSettings = z.infer<typeof digestSchema>;

const common = {
  minSeverity: severity.optional(),
  digest: digestSchema.optional(),
  updates: z.enum(['thread', 'suppress']).optional(),
  style: z.enum(MESSAGE_STYLES).optional(),
  timeoutSeconds: z.number().positive().max(300).default(15),
};

const email = z.strictObject({
  type: z.literal('email'),
  ...common,
  smtp: z.strictObject({
    host: nonEmpty,
    port: z.number().int().min(1).max(65535).default(587),
    secure: z.boolean().default(false),
    user: z.string().optional(),
    password: z.string().optional(),
  }),
  from: nonEmpty,
  to: z.array(nonEmpty).default([]),
});

const aws = { region: z.string().optional(), endpoint: httpUrl.optional() };

const sns = z.strictObject({
  type: z.literal('sns'),
  ...common,
  ...aws,
  topicArn: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/, 'must be an SNS topic ARN').optional(),
  to: z.array(z.string().regex(/^arn:aws[a-z-]*:sns:/, 'must be an SNS topic ARN')).default([]),
});

const sms = z.strictObject({
  type: z.literal('sms'),
  ...common,
  ...aws,
  to: z.array(e164).default([]),
  senderId: z.string().regex(/^[A-Za-z0-9]{1,11}$/, 'must be 1 to 11 letters or digits').optional(),
  maxSegments: z.number().int().min(1).max(10).default(2),
});

const slack = z.strictObject({
  type: z.literal('slack'),
  ...common,
  token: nonEmpty,
  channel: nonEmpty.optional(),
  apiUrl: httpUrl.optional(),
  /** Slack allows about one message per second per channel. */
  perMinute: z.number().int().positive().default(60),
});

const slackWebhook = z.strictObject({ type: z.literal('slack-webhook'), ...common, url: httpUrl, perMinute: z.number().int().positive().default(60) });
const teams = z.strictObject({ type: z.literal('teams'), ...common, url: httpUrl.optional(), perMinute: z.number().int().positive().default(60) });
const webhook = z.strictObject({
  type: z.literal('webhook'),
  ...common,
  url: httpUrl.optional(),
  secret: z.string().min(16, 'must be at least 16 characters').optional(),
  headers: z.record(z.string(), z.string()).default({}),
});
const pagerduty = z.strictObject({
  type: z.literal('pagerduty'),
  ...common,
  routingKey: z.string().min(1).optional(),
  url: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
});

export const channelSchema = z.discriminatedUnion('type', [email, sns, sms, slack, slackWebhook, teams, webhook, pagerduty], {
  error: (issue) => (issue.code === 'invalid_union' ? `type must be one of ${CHANNEL_TYPES.join(', ')}` : undefined),
});
export type ChannelSettings = z.infer<typeof channelSchema>;
export type SettingsOf<T extends ChannelType> = Extract<ChannelSettings, { type: T }>;

/** A team: which findings are theirs (by account or resource tag) and where each channel reaches them. */
export const teamSchema = z.strictObject({
  accounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).default([]),
  tags: z.record(z.string(), z.string()).default({}),
  /** Per channel name: the team's addresses, phone numbers, Slack channels, topic ARNs or URLs. */
  recipients: z.record(z.string(), z.array(nonEmpty)).default({}),
  /** How messages greet the team. */
  name: z.string().optional(),
});
export type TeamSettings = z.infer<typeof teamSchema>;

/** The notification settings of `firebreak.yaml`. */
export const notifySchema = {
  accounts: z.record(z.string().regex(/^\d{12}$/, 'account ids are 12 digits'), z.string().min(1).max(64)).default({}),
  templates: z.string().optional(),
  state: z.string().optional(),
  channels: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'channel names are lower-case letters, digits, - and _'), channelSchema).default({}),
  teams: z.record(z.string(), teamSchema).default({}),
};

/** Per-type defaults: the lowest severity sent right away, and how updates are handled. */
export const TYPE_DEFAULTS: Record<ChannelType, { minSeverity: SeverityLabel; updates: 'thread' | 'suppress' }> = {
  email: { minSeverity: 'LOW', updates: 'suppress' },
  sns: { minSeverity: 'LOW', updates: 'suppress' },
  sms: { minSeverity: 'HIGH', updates: 'suppress' },
  slack: { minSeverity: 'LOW', updates: 'thread' },
  'slack-webhook': { minSeverity: 'LOW', updates: 'suppress' },
  teams: { minSeverity: 'LOW', updates: 'suppress' },
  webhook: { minSeverity: 'INFORMATIONAL', updates: 'thread' },
  pagerduty: { minSeverity: 'CRITICAL', updates: 'suppress' },
};

/**
 * Settings that render every channel with its defaults, for previews with no configuration.
 * Addresses are documentation examples (example.com, 555-01xx numbers, example ARNs).
 */
export function previewChannels(account = '123456789012', region = 'us-east-1'): Record<string, ChannelSettings> {
  const all: Record<string, unknown> = {
    email: { type: 'email', smtp: { host: 'smtp.example.com' }, from: 'firebreak <firebreak@example.com>', to: ['security-team@example.com'] },
    sns: { type: 'sns', topicArn: `arn:aws:sns:${region}:${account}:firebreak-alerts` },
    sms: { type: 'sms', to: ['+15555550100'] },
    slack: { type: 'slack', token: 'xoxb-preview', channel: '#security-alerts' },
    teams: { type: 'teams', url: 'https://example.webhook.office.com/webhookb2/preview' },
    webhook: { type: 'webhook', url: 'https://hooks.example.com/firebreak', secret: 'preview-secret-not-used-for-sending' },
    pagerduty: { type: 'pagerduty', routingKey: 'preview-routing-key' },
  };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, channelSchema.parse(v)]));
}
