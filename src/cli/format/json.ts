/** `--format json`: one JSON object per line, exactly as the CLI contract describes. */
import type { Finding } from '../../findings/model.js';
import type { TriageResult } from '../../pipeline.js';

/** The finding as printed: everything but `raw`. */
export function publicFinding(finding: Finding): Omit<Finding, 'raw'> {
  const { raw: _raw, ...rest } = finding;
  return rest;
}

/** One output line (without the newline) for a triage result. */
export function jsonLine(result: TriageResult): string {
  if (result.kind === 'error') {
    const input: { file: string; index: number; line?: number } = { file: result.position.file, index: result.position.index };
    if (result.position.line !== undefined) input.line = result.position.line;
    return JSON.stringify({ error: result.error.toJSON(), input });
  }
  return JSON.stringify({ finding: publicFinding(result.finding), analysis: result.analysis, ...(result.routing === undefined ? {} : { routing: result.routing }) });
}
