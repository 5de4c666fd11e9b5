/**
 * Composes the stages: read -> normalize -> analyze. Runtimes (the CLI today; the service and
 * Lambda handlers later) call this with their own inputs and analysts.
 */
import type { Analysis, Analyst } from './analysis/types.js';
import { type InputError, type InputPosition, describePosition } from './findings/errors.js';
import type { Finding } from './findings/model.js';
import { normalizeRecord } from './findings/normalize/index.js';
import type { InputItem } from './findings/read.js';

/** One result of triage: an analysed finding or a rejected input record. */
export type TriageResult =
  | { kind: 'finding'; finding: Finding; analysis: Analysis; position: InputPosition }
  | { kind: 'error'; error: InputError; position: InputPosition };

/** Running totals, for progress and the final summary. */
export interface TriageStats {
  records: number;
  findings: number;
  rejected: number;
}

/**
 * Normalizes and analyses every record of `items`, in order. Bad records become `error` results;
 * the rest of the batch goes on.
 */
export async function* triage(items: AsyncIterable<InputItem>, analyst: Analyst, stats?: TriageStats): AsyncGenerator<TriageResult> {
  for await (const item of items) {
    if (stats !== undefined) stats.records += 1;
    if (item.kind === 'error') {
      if (stats !== undefined) stats.rejected += 1;
      yield item;
      continue;
    }
    for (const out of normalizeRecord(item.value, describePosition(item.position))) {
      if (out instanceof Error) {
        if (stats !== undefined) stats.rejected += 1;
        yield { kind: 'error', error: out, position: item.position };
      } else {
        if (stats !== undefined) stats.findings += 1;
        yield { kind: 'finding', finding: out, analysis: await analyst.analyze(out), position: item.position };
      }
    }
  }
}
