/**
 * The CLI's side of notifications: finds and loads `firebreak.yaml`, builds the notifier
 * (channels, teams, ledger, outbox), and reports outcomes.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Analysis, Analyst } from '../analysis/types.js';
import { type InputPosition, describePosition } from '../findings/errors.js';
import { readInputs } from '../findings/read.js';
import { type TriageStats, triage } from '../pipeline.js';
import { loadYamlConfig } from '../config/load.js';
import { configSchema, type FirebreakConfig } from '../config/schema.js';
import type { Finding } from '../findings/model.js';
import { createChannel } from '../notify/channels/index.js';
import { type ChannelSettings, previewChannels } from '../notify/config.js';
import { MemoryLedger } from '../notify/ledger.js';
import { Notifier, type Outcome } from '../notify/notifier.js';
import { Templates } from '../notify/template.js';
import type { MessageStyle } from '../notify/types.js';
import { type ResponseStage, strictestMode } from '../response/stage.js';
import type { Router, RoutingDecision } from '../routing/router.js';
import { writebackSummary } from './respond.js';
import { type CliRouting, routingSummary } from './routing.js';
import { openLedger, statePath as stateFile } from './state.js';

/** The default configuration file, looked for in the working directory. */
export const DEFAULT_CONFIG = 'firebreak.yaml';

/** Notification flags shared by `notify` and `triage --notify`. */
export interface NotifyFlags {
  config?: string;
  outbox?: string;
  channel?: string[];
  state?: string;
  style?: MessageStyle;
}

/** The configuration named by `--config`, or `firebreak.yaml` when present, or none. */
export function loadConfig(path: string | undefined): { config: FirebreakConfig; dir: string } | undefined {
  const file = path ?? (existsSync(DEFAULT_CONFIG) ? DEFAULT_CONFIG : undefined);
  if (file === undefined) return undefined;
  return { config: loadYamlConfig(file, configSchema), dir: dirname(resolve(file)) };
}

/**
 * Builds the notifier the flags describe; `onOutcome` sees every outcome. A preview (`--outbox`)
 * keeps its ledger in memory: it records nothing.
 */
export function buildNotifier(flags: NotifyFlags, onOutcome?: (o: Outcome) => void, log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): { notifier: Notifier; channels: string[]; statePath?: string } {
  const loaded = loadConfig(flags.config);
  let settings: Record<string, ChannelSettings>;
  if (loaded !== undefined && Object.keys(loaded.config.channels).length > 0) settings = loaded.config.channels;
  else if (flags.outbox !== undefined) settings = previewChannels();
  else throw new Error(`no notification channels configured: add "channels" to ${flags.config ?? DEFAULT_CONFIG} (see docs/notify.md), or preview every channel with --outbox DIR`);
  const selected = flags.channel ?? Object.keys(settings);
  for (const name of selected) {
    if (settings[name] === undefined) throw new Error(`--channel ${JSON.stringify(name)} is not configured; channels: ${Object.keys(settings).join(', ')}`);
  }
  const channels = selected.map((name) => ({ channel: createChannel(name, settings[name] as ChannelSettings), settings: settings[name] as ChannelSettings }));
  const config = loaded?.config;
  const statePath = flags.outbox !== undefined ? undefined : stateFile(config, loaded?.dir ?? '.', flags.state);
  const templatesDir = config?.templates === undefined ? undefined : resolve(loaded?.dir ?? '.', config.templates);
  const notifier = new Notifier({
    channels,
    ...(config === undefined ? {} : { teams: config.teams, accountAliases: config.accounts }),
    templates: new Templates(templatesDir),
    ledger: statePath === undefined ? new MemoryLedger() : openLedger(statePath, log),
    ...(flags.outbox === undefined ? {} : { outbox: flags.outbox }),
    ...(flags.style === undefined ? {} : { style: flags.style }),
    ...(onOutcome === undefined ? {} : { onOutcome }),
  });
  return { notifier, channels: selected, ...(statePath === undefined ? {} : { statePath }) };
}

/** One line about an outcome, for people. */
export function outcomeLine(o: Outcome): string {
  const where = o.recipient === undefined ? '' : ` ${o.recipient}`;
  const what = o.fingerprint === undefined ? '' : ` ${o.fingerprint.slice(0, 12)}`;
  const tail = o.file !== undefined ? ` -> ${o.file}` : o.error !== undefined ? `: ${o.error}` : o.attempts !== undefined && o.attempts > 1 ? ` (${o.attempts} attempts)` : '';
  return `${o.status.padEnd(15)} ${o.channel} ${o.kind}${where}${what}${tail}`;
}

/** Counts outcomes by status, for the summary line. */
export function tally(outcomes: readonly Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o.status, (counts.get(o.status) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ') || 'nothing to send';
}

/** Where `notify` writes. */
export interface NotifyIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
}

/** What delivery needs beyond the finding: the router to tell, the response stage, where the finding came from. */
export interface DeliverContext {
  router?: Pick<Router, 'delivered'>;
  stage?: ResponseStage;
  /** The input file of the finding (`-` for stdin), for the commands messages suggest. */
  input?: string;
}

/**
 * Sends one finding as its routing decides: nothing when it is muted, a suppressed repeat or
 * unrouted; once per matching route (its channels, mode and owner); to every channel when there
 * are no routes. The response stage first decides about its proposed actions under the most
 * cautious matching route (planning them, executing `auto` ones within the policy), and messages
 * say what became of each. Once every message went out (or was kept for retry), `router` records
 * the alert as delivered; a run that dies before then leaves it to the next run.
 */
export async function deliver(notifier: Notifier, finding: Finding, analysis: Analysis, routing?: RoutingDecision, ctx: DeliverContext = {}): Promise<Outcome[]> {
  if (routing !== undefined && !routing.alert) return [];
  const routes = routing?.routes ?? [];
  const { mode, route } = strictestMode(routes);
  const actions = ctx.stage === undefined || analysis.actions.length === 0 ? undefined : await ctx.stage.decide(finding, analysis, mode, route, ctx.input);
  const noted = actions === undefined ? {} : { actions };
  const outcomes: Outcome[] = [];
  if (routes.length === 0) outcomes.push(...(await notifier.notify(finding, analysis, noted)));
  for (const r of routes) {
    outcomes.push(...(await notifier.notify(finding, analysis, { name: r.name, mode: r.mode, ...(r.channels === undefined ? {} : { channels: r.channels }), ...(r.owner === undefined ? {} : { team: r.owner }), ...noted })));
  }
  // Told once no message was lost (a failure kept for retry is not lost).
  if (outcomes.every((o) => o.status !== 'failed' || o.kept === true)) {
    if (routing !== undefined) ctx.router?.delivered(finding, routing);
    ctx.stage?.told(finding, analysis, actions ?? [], outcomes.some((o) => o.status === 'sent'));
  }
  return outcomes;
}

/** An analysed finding on its way to delivery. */
export interface Deliverable {
  finding: Finding;
  analysis: Analysis;
  routing?: RoutingDecision;
  position?: InputPosition;
}

/**
 * Runs a notifier over triage results: retries earlier failures first, notifies each finding,
 * sends due digests (all of them with `flushAll`); `each` sees every outcome as it happens.
 */
export async function notifyAll(notifier: Notifier, findings: AsyncIterable<Deliverable>, flushAll: boolean, each: (o: Outcome) => void, ctx: Omit<DeliverContext, 'input'> = {}): Promise<void> {
  for (const o of await notifier.retryFailed()) each(o);
  for await (const { finding, analysis, routing, position } of findings) {
    for (const o of await deliver(notifier, finding, analysis, routing, { ...ctx, ...(position === undefined ? {} : { input: position.file }) })) each(o);
  }
  for (const o of await notifier.flushDigests(flushAll)) each(o);
}

/** Sends the stage's queued Security Hub updates, and says what the stage did and what became of them. */
export async function reportResponse(stage: ResponseStage | undefined, stderr: { write(s: string): unknown }): Promise<void> {
  const summary = stage?.summary();
  if (summary !== undefined) stderr.write(summary);
  const report = await stage?.flush();
  if (report !== undefined) stderr.write(writebackSummary(report));
}

/** The closing summary of a notify run, with where failures are kept. */
export function notifySummary(outcomes: readonly Outcome[], statePath: string | undefined): string {
  const failed = outcomes.filter((o) => o.status === 'failed').length;
  const kept = failed > 0 && statePath !== undefined ? `; failed messages are kept in ${statePath} and retried on the next run` : '';
  return `firebreak: notifications: ${tally(outcomes)}${kept}\n`;
}

/** Options of a `notify` run. */
export interface NotifyRunOptions {
  notifier: Notifier;
  analyst: Analyst;
  flushAll: boolean;
  statePath?: string;
  format: 'text' | 'json';
  /** Routes, mutes and de-duplication from the configuration. */
  routing?: CliRouting;
  /** The response stage: plans, automatic executions, Security Hub write-back. */
  stage?: ResponseStage;
}

/**
 * `firebreak notify`: explains each finding and delivers it; one outcome line per message (or
 * per reason none was made) on stdout. Exit 1 when a delivery failed, 2 when input was rejected.
 */
export async function runNotify(files: readonly string[], options: NotifyRunOptions, io: NotifyIo & { stdin: AsyncIterable<Buffer | string> }): Promise<number> {
  const stats: TriageStats = { records: 0, findings: 0, rejected: 0 };
  const outcomes: Outcome[] = [];
  const print = (o: Outcome): void => {
    io.stdout.write(options.format === 'json' ? `${JSON.stringify(o)}\n` : `${outcomeLine(o)}\n`);
  };
  async function* analysed(): AsyncGenerator<Deliverable> {
    for await (const result of triage(readInputs(files, io.stdin), options.analyst, stats, 1, options.routing?.stage)) {
      if (result.kind === 'finding') yield result;
      else io.stderr.write(`firebreak: ${describePosition(result.position)}: ${result.error.message}\n`);
    }
  }
  try {
    await notifyAll(
      options.notifier,
      analysed(),
      options.flushAll,
      (o) => {
        outcomes.push(o);
        print(o);
      },
      { ...(options.routing === undefined ? {} : { router: options.routing.router }), ...(options.stage === undefined ? {} : { stage: options.stage }) },
    );
    await reportResponse(options.stage, io.stderr);
  } finally {
    options.routing?.close();
    options.stage?.close();
    await options.notifier.close();
  }
  if (options.routing !== undefined) io.stderr.write(routingSummary(options.routing.router.stats));
  io.stderr.write(notifySummary(outcomes, options.statePath));
  if (outcomes.some((o) => o.status === 'failed') || (options.stage?.counts.failed ?? 0) > 0) return 1;
  return stats.rejected > 0 ? 2 : 0;
}
