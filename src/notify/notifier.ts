/**
 * The notify stage: for each analysed finding, decide per channel and recipient whether it is a
 * new alert, an update (threaded or suppressed), a digest item, or already delivered; render it
 * from the templates; deliver it with retries, backoff and per-recipient rate limits; and record
 * the outcome in the ledger. Failed messages stay in the ledger, rendered, for the next run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../analysis/types.js';
import type { Finding } from '../findings/model.js';
import { type Clock, DEFAULT_RETRY, RateLimiter, realClock, type RetryOptions, withRetry } from '../util/resilience.js';
import { redactSecrets } from '../util/secrets.js';
import { addressOf, recipientsFor, type Recipient } from './audience.js';
import type { ChannelSettings, DigestSettings, TeamSettings } from './config.js';
import { asDeliveryError, DeliveryError } from './errors.js';
import { claimable, type DeliveryLedger, RUN_OWNER, type DeliveryRecord, ledgerKey, MemoryLedger } from './ledger.js';
import { SecretMask } from './secrets.js';
import { Templates } from './template.js';
import type { Channel, MessageRequest, MessageStyle, Rendered } from './types.js';
import type { ActionNote } from '../response/stage.js';
import { digestView, findingView, type FindingView, type ResponseMode, severityRank } from './view.js';

/** What happened to one message (or why none was made). */
export type OutcomeStatus = 'sent' | 'written' | 'duplicate' | 'suppressed' | 'queued' | 'below-threshold' | 'no-recipient' | 'resolved' | 'failed';

/** The outcome of one (finding or digest, channel, recipient). */
export interface Outcome {
  channel: string;
  type: string;
  kind: 'alert' | 'update' | 'digest';
  status: OutcomeStatus;
  /** The recipient's id: an address, or a logical name (`default`, `team:<id>`) where the address is a secret. */
  recipient?: string;
  fingerprint?: string;
  revision?: string;
  ref?: string;
  file?: string;
  attempts?: number;
  error?: string;
  /** A failure whose rendered message is kept in the ledger and sent again by the next run. */
  kept?: boolean;
  /** The ledger key of the message, for `firebreak deliveries --drop`. */
  key?: string;
}

/** The route that selected a finding: which channels, which owner, which response mode. */
export interface RouteTarget {
  name?: string;
  channels?: readonly string[];
  team?: string;
  mode?: ResponseMode;
  /** What the response stage made of each proposed action. */
  actions?: readonly ActionNote[];
}

/** Everything a notifier needs. */
export interface NotifierOptions {
  channels: readonly { channel: Channel; settings: ChannelSettings }[];
  teams?: Readonly<Record<string, TeamSettings>>;
  accountAliases?: Readonly<Record<string, string>>;
  templates?: Templates;
  ledger?: DeliveryLedger;
  /** Write each message under `outbox/<channel>/` instead of sending it. */
  outbox?: string;
  style?: MessageStyle;
  retry?: RetryOptions;
  clock?: Clock;
  /** Called after each outcome, for progress lines. */
  onOutcome?: (outcome: Outcome) => void;
}

/** The revision of a finding: changes when anything a reader would care about changes. */
export function revisionOf(finding: Finding): string {
  const facts = [finding.severity.label, finding.severity.score, finding.count, finding.lastSeen, finding.workflowStatus ?? '', finding.compliance ?? ''];
  return createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 12);
}

/** The digest period a time falls in (UTC): `2026-11-24T06` hourly, `2026-11-24` daily. */
export function digestPeriod(schedule: DigestSettings['schedule'], at: Date): string {
  const iso = at.toISOString();
  return schedule === 'hourly' ? iso.slice(0, 13) : iso.slice(0, 10);
}

/** When a digest period ends. */
function periodEnd(period: string): number {
  return period.length === 13 ? Date.parse(`${period}:00:00Z`) + 3_600_000 : Date.parse(`${period}T00:00:00Z`) + 86_400_000;
}

/** The fields of an outcome that come from the record it is about. */
function outcomeOf(channel: Channel, record: DeliveryRecord): Omit<Outcome, 'status'> {
  return {
    channel: channel.name,
    type: channel.type,
    kind: record.kind === 'thread' ? 'alert' : record.kind,
    recipient: record.recipient,
    ...(record.fingerprint === '' ? {} : { fingerprint: record.fingerprint, revision: record.revision }),
  };
}

const shortHash = (s: string): string => createHash('sha256').update(s).digest('hex').slice(0, 10);

/** Delivers findings to channels; one per run (or per service), closed at the end. */
export class Notifier {
  private readonly ledger: DeliveryLedger;
  private readonly templates: Templates;
  private readonly clock: Clock;
  private readonly limiters = new Map<string, RateLimiter>();
  private readonly byName: Map<string, { channel: Channel; settings: ChannelSettings }>;
  private readonly mask: SecretMask;
  private written = 0;

  constructor(private readonly options: NotifierOptions) {
    this.ledger = options.ledger ?? new MemoryLedger();
    this.templates = options.templates ?? new Templates();
    this.clock = options.clock ?? realClock;
    this.byName = new Map(options.channels.map((c) => [c.channel.name, c]));
    this.mask = new SecretMask(Object.fromEntries(options.channels.map((c) => [c.channel.name, c.settings])), options.teams ?? {});
  }

  /** An error message fit to print and record: configured secrets masked, secret-like values redacted. */
  private safeError(err: unknown): string {
    return redactSecrets(this.mask.mask(err instanceof Error ? err.message : String(err)));
  }

  /** Notifies every selected channel about `finding`; returns one outcome per channel and recipient. */
  async notify(finding: Finding, analysis: Analysis, route: RouteTarget = {}): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    const names = route.channels ?? [...this.byName.keys()];
    const revision = revisionOf(finding);
    for (const name of names) {
      const entry = this.byName.get(name);
      if (entry === undefined) throw new Error(`route ${route.name ?? ''} names channel ${JSON.stringify(name)}, which is not configured; configured: ${[...this.byName.keys()].join(', ')}`);
      const { channel, settings } = entry;
      const base = { channel: name, type: channel.type, fingerprint: finding.fingerprint, revision };
      if (finding.resolved !== undefined) {
        // A resolved finding raises no alert; it closes the thread of one already sent.
        const recipients = recipientsFor(finding, channel, this.options.teams ?? {}, route.team);
        if (recipients.length === 0) outcomes.push(this.report({ ...base, kind: 'update', status: 'resolved' }));
        for (const recipient of recipients) outcomes.push(this.report(await this.notifyOne(finding, analysis, route, channel, undefined, recipient, revision)));
        continue;
      }
      if (severityRank(finding.severity.label) < severityRank(channel.minSeverity)) {
        outcomes.push(this.report({ ...base, kind: 'alert', status: 'below-threshold' }));
        continue;
      }
      const recipients = recipientsFor(finding, channel, this.options.teams ?? {}, route.team);
      if (recipients.length === 0) {
        outcomes.push(this.report({ ...base, kind: 'alert', status: 'no-recipient' }));
        continue;
      }
      for (const recipient of recipients) {
        outcomes.push(this.report(await this.notifyOne(finding, analysis, route, channel, settings.digest, recipient, revision)));
      }
    }
    return outcomes;
  }

  private async notifyOne(finding: Finding, analysis: Analysis, route: RouteTarget, channel: Channel, digest: DigestSettings | undefined, recipient: Recipient, revision: string): Promise<Outcome> {
    const fp = finding.fingerprint;
    const key = ledgerKey.message(fp, channel.name, recipient.id, revision);
    const threadKey = ledgerKey.thread(fp, channel.name, recipient.id);
    const thread = this.ledger.get(threadKey);
    const kind = thread === undefined ? 'alert' : 'update';
    const base = { channel: channel.name, type: channel.type, kind, recipient: recipient.id, fingerprint: fp, revision } as const;
    const resolved = finding.resolved !== undefined;
    if (resolved && (thread === undefined || thread.closed === true)) {
      // Nothing open to close: a finding queued for a digest is simply no longer listed.
      const item = this.ledger.get(ledgerKey.digestItem(fp, channel.name, recipient.id));
      if (item?.status === 'queued') this.ledger.put({ ...item, status: 'digested', at: new Date(this.clock.now()).toISOString() });
      return { ...base, kind: 'update', status: 'resolved' };
    }
    // Sent, suppressed, queued, or being sent by a live run: this message is settled. (The claim
    // before sending makes this exact when two runs race.)
    if (!claimable(this.ledger.get(key))) return { ...base, status: 'duplicate' };
    const ctx = {
      ...(this.options.accountAliases === undefined ? {} : { accountAliases: this.options.accountAliases }),
      ...(route.mode === undefined ? {} : { mode: route.mode }),
      ...(route.name === undefined ? {} : { route: route.name }),
      ...(route.actions === undefined ? {} : { actions: route.actions }),
      recipientName: recipient.name,
      ...(thread === undefined ? {} : { update: { previousSeverity: thread.severity, previousCount: thread.count, ...(thread.closed === true ? { reopened: true } : {}) } }),
    };
    const view = findingView(finding, analysis, ctx, kind);
    const now = new Date(this.clock.now());
    const record: DeliveryRecord = { key, kind, channel: channel.name, recipient: recipient.id, fingerprint: fp, revision, severity: finding.severity.label, count: finding.count, status: 'sent', at: now.toISOString(), attempts: 0 };

    if (thread === undefined && digest !== undefined && severityRank(finding.severity.label) < severityRank(digest.below)) {
      const period = digestPeriod(digest.schedule, now);
      const itemKey = ledgerKey.digestItem(fp, channel.name, recipient.id);
      const item = this.ledger.get(itemKey);
      // A finding already digested is not listed again; a queued one keeps its latest revision.
      if (item?.status === 'digested') return { ...base, status: 'duplicate' };
      this.ledger.put({ ...record, key: itemKey, status: 'queued', view, period: item?.period ?? period });
      return { ...base, status: 'queued' };
    }
    if (thread !== undefined && !view.escalated && !resolved && thread.closed !== true && channel.updates === 'suppress') {
      this.ledger.put({ ...record, status: 'suppressed' });
      return { ...base, status: 'suppressed' };
    }
    const request: MessageRequest =
      thread === undefined
        ? { kind: 'alert', view, recipient: recipient.address, style: this.style(channel), date: now, id: this.messageId(fp, revision, channel.name, recipient.id) }
        : { kind: 'update', view, recipient: recipient.address, style: this.style(channel), date: now, id: this.messageId(fp, revision, channel.name, recipient.id), ...(thread.ref === undefined ? {} : { thread: thread.ref }) };
    const outcome = await this.deliver(channel, request, record);
    if (outcome.status === 'sent' || outcome.status === 'written') {
      // The thread remembers the first message (for replies) and the highest severity told (for escalation).
      const ref = thread?.ref ?? outcome.ref;
      this.ledger.put({ ...record, key: threadKey, kind: 'thread', ...(ref === undefined ? {} : { ref }), severity: thread !== undefined && !view.escalated ? thread.severity : finding.severity.label, count: thread?.count ?? finding.count, ...(resolved ? { closed: true } : {}) });
      // A finding that escalated out of the digest is no longer listed in it.
      const item = this.ledger.get(ledgerKey.digestItem(fp, channel.name, recipient.id));
      if (item?.status === 'queued') this.ledger.put({ ...item, status: 'digested', at: record.at });
    }
    return outcome;
  }

  private style(channel: Channel): MessageStyle {
    const settings = this.byName.get(channel.name)?.settings;
    return this.options.style ?? settings?.style ?? 'standard';
  }

  private messageId(fingerprint: string, revision: string, channel: string, recipient: string): string {
    return `${fingerprint.slice(0, 16)}.${revision}.${shortHash(`${channel}|${recipient}`)}`;
  }

  /**
   * Claims, renders and delivers one message, recording the outcome under `record.key`. A message
   * another live run has claimed is a duplicate here.
   */
  private async deliver(channel: Channel, request: MessageRequest, record: DeliveryRecord): Promise<Outcome> {
    if (this.options.outbox === undefined) {
      const standing = this.ledger.claim(record);
      if (standing !== undefined) return { ...outcomeOf(channel, record), status: 'duplicate' };
    }
    let rendered: Rendered;
    try {
      rendered = await channel.render(request, this.templates);
    } catch (err) {
      const error = this.safeError(err);
      this.ledger.put({ ...record, status: 'failed', error });
      return { ...outcomeOf(channel, record), status: 'failed', error, key: record.key };
    }
    return this.send(channel, rendered, record);
  }

  /** Sends a rendered message this run has claimed (or writes it to the outbox). */
  private async send(channel: Channel, rendered: Rendered, record: DeliveryRecord): Promise<Outcome> {
    const base = outcomeOf(channel, record);
    if (this.options.outbox !== undefined) {
      const file = this.writeOutbox(channel.name, record, rendered);
      const ref = typeof rendered.meta.messageId === 'string' ? rendered.meta.messageId : `outbox-${this.written}`;
      this.ledger.put({ ...record, status: 'sent', ref });
      return { ...base, status: 'written', file, ref };
    }
    let attempts = record.attempts;
    const { owner: _owner, ...unowned } = record;
    this.ledger.put({ ...unowned, status: 'sending', owner: RUN_OWNER, rendered });
    try {
      // The address comes from the current configuration: a corrected webhook URL is used on retry.
      const address = addressOf(channel, this.options.teams ?? {}, record.recipient);
      if (address === undefined) throw new DeliveryError(`recipient ${record.recipient} is no longer configured on channel ${channel.name}; drop the message with \`firebreak deliveries --drop ${record.key}\``, false);
      const result = await withRetry(
        async () => {
          attempts += 1;
          await this.limiter(channel, record.recipient).acquire();
          return channel.send(rendered, address);
        },
        this.options.retry ?? DEFAULT_RETRY,
        this.clock,
        asDeliveryError,
      );
      this.ledger.put({ ...unowned, status: 'sent', attempts, ...(result.ref === undefined ? {} : { ref: result.ref }), at: new Date(this.clock.now()).toISOString() });
      return { ...base, status: 'sent', attempts, ...(result.ref === undefined ? {} : { ref: result.ref }) };
    } catch (err) {
      const error = this.safeError(err);
      this.ledger.put({ ...unowned, status: 'failed', attempts, error, rendered, at: new Date(this.clock.now()).toISOString() });
      return { ...base, status: 'failed', attempts, error, kept: true, key: record.key };
    }
  }

  private limiter(channel: Channel, recipient: string): RateLimiter {
    const key = `${channel.name}|${recipient}`;
    let limiter = this.limiters.get(key);
    if (limiter === undefined) {
      const settings = this.byName.get(channel.name)?.settings;
      const perMinute = settings !== undefined && 'perMinute' in settings ? settings.perMinute : 0;
      limiter = new RateLimiter(perMinute, this.clock);
      this.limiters.set(key, limiter);
    }
    return limiter;
  }

  private writeOutbox(channel: string, record: DeliveryRecord, rendered: Rendered): string {
    this.written += 1;
    const dir = join(this.options.outbox as string, channel);
    mkdirSync(dir, { recursive: true });
    const tag = record.kind === 'digest' ? `digest-${record.period ?? ''}` : `${record.kind}-${record.fingerprint.slice(0, 12)}`;
    const file = join(dir, `${String(this.written).padStart(4, '0')}-${tag}.${rendered.ext}`.replace(/[^A-Za-z0-9._/\\-]/g, '-'));
    writeFileSync(file, rendered.body);
    return file;
  }

  /**
   * Sends the digests whose period has ended (all of them with `all`, as a preview or a manual
   * flush): one message per channel, recipient and period listing its queued findings.
   */
  async flushDigests(all = false): Promise<Outcome[]> {
    const now = this.clock.now();
    const groups = new Map<string, DeliveryRecord[]>();
    for (const item of this.ledger.byStatus('queued')) {
      if (item.period === undefined || item.view === undefined || !this.byName.has(item.channel)) continue;
      if (!all && periodEnd(item.period) > now) continue;
      const group = ledgerKey.digest(item.channel, item.recipient, item.period);
      groups.set(group, [...(groups.get(group) ?? []), item]);
    }
    const outcomes: Outcome[] = [];
    for (const [group, items] of groups) {
      // One key per set of items: a later digest of the same period is a new message, and two runs
      // flushing the same items send it once.
      const key = `${group}|${shortHash(items.map((i) => i.key).sort().join('\n'))}`;
      const first = items[0] as DeliveryRecord;
      const { channel, settings } = this.byName.get(first.channel) as { channel: Channel; settings: ChannelSettings };
      const schedule = settings.digest?.schedule ?? (first.period?.length === 13 ? 'hourly' : 'daily');
      const view = digestView(items.map((i) => i.view as FindingView), schedule, first.period ?? '');
      const date = new Date(now);
      const record: DeliveryRecord = { key, kind: 'digest', channel: channel.name, recipient: first.recipient, fingerprint: '', revision: first.period ?? '', severity: items.map((i) => i.severity).sort((a, b) => severityRank(b) - severityRank(a))[0] ?? 'LOW', count: items.length, status: 'sent', at: date.toISOString(), attempts: 0, period: first.period ?? '' };
      const outcome = await this.deliver(channel, { kind: 'digest', view, recipient: first.recipient, style: 'standard', date, id: `digest.${shortHash(key)}` }, record);
      // The digest is sent or kept, rendered, for retry: either way its items are no longer queued.
      for (const item of items) this.ledger.put({ ...item, status: 'digested', at: record.at });
      outcomes.push(this.report(outcome));
    }
    return outcomes;
  }

  /**
   * Sends again every message that failed before (in this run or a previous one with the same
   * ledger), and any a crashed run left `sending`, with the same message id, so receivers that
   * dedupe (webhook delivery id, e-mail Message-ID, PagerDuty dedup_key) see it once.
   */
  async retryFailed(): Promise<Outcome[]> {
    const outcomes: Outcome[] = [];
    for (const record of [...this.ledger.byStatus('failed'), ...this.ledger.byStatus('sending')]) {
      const entry = this.byName.get(record.channel);
      if (entry === undefined || record.rendered === undefined) continue;
      const { rendered, error: _error, owner: _owner, ...rest } = record;
      // Another run may be retrying it too, or still sending it: only the claimant sends.
      if (this.options.outbox === undefined && this.ledger.claim(rest) !== undefined) continue;
      const outcome = await this.send(entry.channel, rendered, rest);
      const threadKey = ledgerKey.thread(record.fingerprint, record.channel, record.recipient);
      if (outcome.status === 'sent' && record.kind === 'alert' && this.ledger.get(threadKey) === undefined) {
        this.ledger.put({ ...rest, key: threadKey, kind: 'thread', status: 'sent', ...(outcome.ref === undefined ? {} : { ref: outcome.ref }) });
      }
      outcomes.push(this.report(outcome));
    }
    return outcomes;
  }

  /** Failed messages kept in the ledger. */
  failures(): DeliveryRecord[] {
    return this.ledger.byStatus('failed');
  }

  private report(outcome: Outcome): Outcome {
    this.options.onOutcome?.(outcome);
    return outcome;
  }

  /** Closes the channels' connections and the ledger. */
  async close(): Promise<void> {
    for (const { channel } of this.options.channels) await channel.close?.();
    this.ledger.close();
  }
}
