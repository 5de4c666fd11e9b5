/** The shapes shared by channels, the delivery ledger and the notifier. */
import type { SeverityLabel } from '../findings/model.js';
import type { Templates } from './template.js';
import type { DigestView, FindingView, MessageKind } from './view.js';

/** Every kind of channel firebreak can deliver to. */
export const CHANNEL_TYPES = ['email', 'sns', 'sms', 'slack', 'slack-webhook', 'teams', 'webhook', 'pagerduty'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

/** Message styles: the full report, or the original design's e-mail draft. */
export const MESSAGE_STYLES = ['standard', 'email-draft'] as const;
export type MessageStyle = (typeof MESSAGE_STYLES)[number];

/** What one message is for, as the notifier asks a channel to render it. */
export type MessageRequest = (
  | { kind: 'alert' | 'update'; view: FindingView; thread?: string }
  | { kind: 'digest'; view: DigestView; thread?: undefined }
) & {
  /**
   * Who receives it: an address, phone number, Slack channel, topic ARN or URL (by channel type).
   * A channel with secret addresses must not write it into the rendered message.
   */
  recipient: string;
  style: MessageStyle;
  /** When the message is made; its Date header and timestamps. */
  date: Date;
  /** A stable id for the message, for Message-ID headers and idempotency keys. */
  id: string;
};

/** A rendered message: what is sent, and exactly what the outbox writes. */
export interface Rendered {
  /** File extension in the outbox. */
  ext: 'eml' | 'json' | 'txt';
  /** The exact bytes the service receives (the request body; the RFC 5322 message for e-mail). */
  body: string;
  /** What `send` needs beyond the body (headers, addresses), JSON-serializable so failures can be kept. */
  meta: Record<string, unknown>;
}

/** The outcome of sending: `ref` identifies the message for threading later updates (Slack `ts`, Message-ID). */
export interface SendResult {
  ref?: string;
}

/** One configured channel. Each type lives in its own file under `channels/`. */
export interface Channel {
  readonly name: string;
  readonly type: ChannelType;
  /** Lowest severity sent right away. */
  readonly minSeverity: SeverityLabel;
  /** Whether updates of a finding go out (threaded where the service threads) or are suppressed. */
  readonly updates: 'thread' | 'suppress';
  /** Recipients when no team names its own: addresses, phone numbers, channel ids, topic ARNs, URLs. */
  readonly defaultRecipients: readonly string[];
  /**
   * The addresses are secrets (webhook URLs, routing keys): recipients are shown and recorded by a
   * logical id and the address is looked up when sending (see audience.ts).
   */
  readonly secretAddresses?: boolean;
  render(request: MessageRequest, templates: Templates): Promise<Rendered>;
  send(rendered: Rendered, recipient: string): Promise<SendResult>;
  close?(): Promise<void>;
}

export type { MessageKind };
