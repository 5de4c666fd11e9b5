/**
 * Composes the stages: read -> normalize -> route (with mutes and de-duplication) -> analyze. Runtimes (the CLI today; the service and
 * Lambda handlers later) call this with their own inputs and analysts.
 */
import { resolvedAnalysis } from './analysis/resolved.js';
import type { Analysis, Analyst } from './analysis/types.js';
import { type InputError, type InputPosition, describePosition, recordFailed } from './findings/errors.js';
import type { Finding } from './findings/model.js';
import { normalizeRecord } from './findings/normalize/index.js';
import type { InputItem } from './findings/read.js';
import type { RoutingDecision } from './routing/router.js';

/** The route stage as the pipeline sees it: a decision per finding, and who analyses it. */
export interface RouteStage {
  route(finding: Finding): RoutingDecision;
  /** The analyst for a decision; the pipeline's own analyst when undefined. */
  analystFor(decision: RoutingDecision): Analyst | undefined;
}

/** One result of triage: an analysed finding or a rejected input record. */
export type TriageResult =
  | { kind: 'finding'; finding: Finding; analysis: Analysis; position: InputPosition; routing?: RoutingDecision }
  | { kind: 'error'; error: InputError; position: InputPosition };

/** Running totals, for progress and the final summary. */
export interface TriageStats {
  records: number;
  findings: number;
  rejected: number;
}

/**
 * Analyses one finding: a finding that reports its own resolution gets the resolved analysis (no
 * model is asked, no action proposed); any other is the analyst's, marked active.
 */
export async function analyzeOne(analyst: Analyst, finding: Finding): Promise<Analysis> {
  return analyzeNow(analyst, finding) ?? marked(await analyst.analyze(finding));
}

// Analysts return a fresh analysis per call; marking it in place spares a copy per finding.
function marked(analysis: Analysis): Analysis {
  if (analysis.status === undefined) analysis.status = 'active';
  return analysis;
}

/** `analyzeOne` without a promise, for an analyst that can answer at once; undefined when it cannot. */
function analyzeNow(analyst: Analyst, finding: Finding): Analysis | undefined {
  if (finding.resolved !== undefined) return resolvedAnalysis(finding);
  return analyst.analyzeSync === undefined ? undefined : marked(analyst.analyzeSync(finding));
}

/**
 * Normalizes and analyses every record of `items`, in order. Bad records become `error` results;
 * the rest of the batch goes on. With `concurrency` above 1, up to that many analyses run at once
 * (for analysts that wait on a model) while results still come out in input order.
 */
export async function* triage(
  items: AsyncIterable<InputItem>,
  analyst: Analyst,
  stats?: TriageStats,
  concurrency = 1,
  stage?: RouteStage,
): AsyncGenerator<TriageResult> {
  // Results in input order: ready ones as they are, analyses still running as promises.
  const window: (TriageResult | Promise<TriageResult>)[] = [];
  for await (const item of items) {
    if (stats !== undefined) stats.records += 1;
    if (item.kind === 'error') {
      if (stats !== undefined) stats.rejected += 1;
      window.push(item);
    } else {
      const what = describePosition(item.position);
      const failed = (err: unknown, doing: string): TriageResult => {
        if (stats !== undefined) stats.rejected += 1;
        return { kind: 'error', error: recordFailed(err, what, doing), position: item.position };
      };
      let normalized: ReturnType<typeof normalizeRecord>;
      try {
        normalized = normalizeRecord(item.value, what, item.within);
      } catch (err) {
        normalized = [];
        window.push(failed(err, 'reading'));
      }
      for (const out of normalized) {
        if (out instanceof Error) {
          if (stats !== undefined) stats.rejected += 1;
          window.push({ kind: 'error', error: out, position: item.position });
          continue;
        }
        let routing: RoutingDecision | undefined;
        let by: Analyst;
        try {
          routing = stage?.route(out);
          by = (routing === undefined ? undefined : stage?.analystFor(routing)) ?? analyst;
        } catch (err) {
          window.push(failed(err, 'routing'));
          continue;
        }
        if (stats !== undefined) stats.findings += 1;
        const result = (analysis: Analysis): TriageResult => {
          const r: TriageResult = { kind: 'finding', finding: out, analysis, position: item.position };
          if (routing !== undefined) r.routing = routing;
          return r;
        };
        const lost = (err: unknown): TriageResult => {
          if (stats !== undefined) stats.findings -= 1;
          return failed(err, 'analysing');
        };
        let now: Analysis | undefined;
        try {
          now = analyzeNow(by, out);
        } catch (err) {
          window.push(lost(err));
          continue;
        }
        window.push(now === undefined ? analyzeOne(by, out).then(result, lost) : result(now));
      }
    }
    while (window.length >= concurrency) yield await (window.shift() as TriageResult | Promise<TriageResult>);
  }
  while (window.length > 0) yield await (window.shift() as TriageResult | Promise<TriageResult>);
}
