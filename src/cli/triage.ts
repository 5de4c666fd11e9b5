/** `firebreak triage`: read findings, analyse each, print a report or JSON Lines. */
import type { Readable, Writable } from 'node:stream';
import { PlaybookAnalyst } from '../analysis/playbooks/analyst.js';
import { slackSummary, type Style } from '../analysis/styles.js';
import { emailDraft } from '../notify/draft.js';
import type { Analysis, Analyst } from '../analysis/types.js';
import { describePosition, recordFailed } from '../findings/errors.js';
import type { Finding } from '../findings/model.js';
import { type CliAnalyst, llmSummary } from './analyst.js';
import { type InputItem, readInputs } from '../findings/read.js';
import { type TriageResult, type TriageStats, triage } from '../pipeline.js';
import { jsonLine } from './format/json.js';
import { markdownBlock, markdownSummary } from './format/markdown.js';
import { safeResult, terminalBlock, terminalLine } from './format/safe.js';
import { TextFormatter } from './format/text.js';
import { BufferedWriter, Progress, isClosedOutput } from './output.js';
import type { Notifier, Outcome } from '../notify/notifier.js';
import { deliver, notifySummary, outcomeLine, reportResponse } from './notify.js';
import type { ResponseStage } from '../response/stage.js';
import { type CliRouting, routingSummary } from './routing.js';

/** Output formats of `triage`. */
export const FORMATS = ['text', 'markdown', 'json'] as const;
export type Format = (typeof FORMATS)[number];

/** Where triage reads and writes. */
export interface TriageIo {
  stdin: AsyncIterable<Buffer | string> & Partial<Readable>;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
}

/** Options of one triage run. */
export interface TriageOptions {
  format: Format;
  analyst?: Analyst;
  /** Force colour on or off; by default colour only when stdout is a TTY and NO_COLOR is unset. */
  color?: boolean;
  /** For `--format text`: the standard report, the e-mail draft or the Slack summary. */
  style?: Style;
  /** `--notify`: deliver (or write to the outbox) each finding through the notifier. */
  notify?: { notifier: Notifier; statePath?: string; flushAll: boolean; stage?: ResponseStage };
  /** `--config` with routes, mutes or de-duplication: the route stage. */
  routing?: CliRouting;
}

/** Exit statuses of the CLI contract. */
export const EXIT = { ok: 0, failure: 1, rejected: 2 } as const;

/** One finding in the e-mail draft or Slack style, followed by a separator line. */
function styled(style: 'email-draft' | 'slack', finding: Finding, analysis: Analysis): string {
  let block: string;
  if (style === 'email-draft') {
    const draft = emailDraft(finding, analysis);
    block = `Subject: ${draft.subject}\n\n${draft.body}`;
  } else {
    block = `${slackSummary(finding, analysis)}\n`;
  }
  return `${block}\n${'-'.repeat(72)}\n\n`;
}

/** Runs triage over `files` (stdin when empty or `-`) and returns the exit status. */
export function runTriage(files: readonly string[], options: TriageOptions, io: TriageIo): Promise<number> {
  const names = files.length === 0 ? ['-'] : files;
  const input = names.map((f) => (f === '-' ? 'stdin' : f)).join(', ');
  return runTriageItems(readInputs(files, io.stdin), options, io, `${input} ${names.length > 1 ? 'are' : 'is'} empty or blank`);
}

/** Runs triage over already-read input items and returns the exit status. */
export async function runTriageItems(items: AsyncIterable<InputItem>, options: TriageOptions, io: TriageIo, emptyNote = 'the input is empty or blank'): Promise<number> {
  if (options.style !== undefined && options.style !== 'standard' && options.format !== 'text' && options.notify === undefined) {
    throw new Error(`--style ${options.style} applies to --format text; --format ${options.format} has one layout`);
  }
  const analyst: CliAnalyst = options.analyst ?? new PlaybookAnalyst();
  // A window of analyses in flight: twice the model concurrency keeps calls busy while output stays in order.
  const concurrency = Math.max(analyst.concurrency ?? 0, ...(options.routing?.analysts ?? []).map((a) => a.concurrency ?? 0));
  const window = concurrency === 0 ? 1 : concurrency * 2;
  const stats: TriageStats = { records: 0, findings: 0, rejected: 0 };
  const out = new BufferedWriter(io.stdout);
  const color = options.color ?? (io.stdout.isTTY === true && process.env.NO_COLOR === undefined);
  const text = new TextFormatter(color, io.stdout.columns ?? 100);
  const progress = new Progress(io.stderr, () => `firebreak: ${stats.records.toLocaleString('en-US')} records, ${stats.findings.toLocaleString('en-US')} findings, ${stats.rejected} rejected`);
  const notifier = options.notify?.notifier;
  const outcomes: Outcome[] = [];
  let deliveryCrashed = false;
  let outputClosed = false;
  progress.start();
  try {
    if (notifier !== undefined) outcomes.push(...(await notifier.retryFailed()));
    const render = (result: TriageResult): string => {
      if (options.format === 'json') return `${jsonLine(result)}\n`;
      // Text and Markdown are read by people: every string is neutralized first (see format/safe.ts).
      if (options.format === 'markdown') return markdownBlock(safeResult(result));
      if (options.style !== undefined && options.style !== 'standard' && result.kind === 'finding') return terminalBlock(styled(options.style, result.finding, result.analysis));
      return text.format(safeResult(result));
    };
    try {
      for await (const result of triage(items, analyst, stats, window, options.routing?.stage)) {
        if (notifier !== undefined && result.kind === 'finding') {
          try {
            const stage = options.notify?.stage;
            outcomes.push(...(await deliver(notifier, result.finding, result.analysis, result.routing, { ...(options.routing === undefined ? {} : { router: options.routing.router }), ...(stage === undefined ? {} : { stage }), input: result.position.file })));
          } catch (err) {
            deliveryCrashed = true;
            io.stderr.write(`firebreak: ${terminalLine(recordFailed(err, describePosition(result.position), 'delivering').message)}\n`);
          }
        }
        let shown: string;
        try {
          shown = render(result);
        } catch (err) {
          // One record that cannot be rendered is reported in its place; the batch goes on.
          if (result.kind === 'finding') stats.findings -= 1;
          stats.rejected += 1;
          shown = render({ kind: 'error', error: recordFailed(err, describePosition(result.position), 'rendering'), position: result.position });
        }
        await out.write(shown);
      }
    } catch (err) {
      // The reader went away (`| head`): stop reading; what was delivered stays recorded.
      if (!isClosedOutput(err)) throw err;
      outputClosed = true;
    }
    if (notifier !== undefined && !outputClosed) outcomes.push(...(await notifier.flushDigests(options.notify?.flushAll === true)));
    await reportResponse(options.notify?.stage, io.stderr);
    if (!outputClosed) {
      try {
        if (options.format === 'markdown') await out.write(markdownSummary(stats));
        if (options.format === 'text') await out.write(text.summary(stats));
        await out.flush();
      } catch (err) {
        if (!isClosedOutput(err)) throw err;
      }
    }
  } finally {
    progress.stop();
    options.routing?.close();
    options.notify?.stage?.close();
    await notifier?.close();
  }
  if (options.routing !== undefined) io.stderr.write(routingSummary(options.routing.router.stats));
  for (const o of outcomes) if (o.status === 'failed') io.stderr.write(`firebreak: ${outcomeLine(o)}\n`);
  if (notifier !== undefined) io.stderr.write(notifySummary(outcomes, options.notify?.statePath));
  for (const a of [analyst, ...(options.routing?.analysts ?? [])]) if (a.stats !== undefined) io.stderr.write(llmSummary(a.model ?? '', a.stats));
  if (stats.records === 0 && !outputClosed) io.stderr.write(`firebreak: no records to triage: ${emptyNote}\n`);
  if (options.format === 'json' && stats.rejected > 0) {
    io.stderr.write(`firebreak: ${stats.rejected} input record(s) rejected; see the "error" lines\n`);
  }
  if (deliveryCrashed || outcomes.some((o) => o.status === 'failed') || (options.notify?.stage?.counts.failed ?? 0) > 0) return EXIT.failure;
  return stats.rejected > 0 ? EXIT.rejected : EXIT.ok;
}
