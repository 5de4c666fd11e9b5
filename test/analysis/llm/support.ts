/** Findings and analysts for the LLM tests. */
import { LlmAnalyst, type LlmAnalystOptions } from '../../../src/analysis/llm/analyst.js';
import type { Provider } from '../../../src/analysis/llm/provider.js';
import type { Finding } from '../../../src/findings/model.js';
import { normalizeRecord } from '../../../src/findings/normalize/index.js';
import { controlFinding, guardDutyEvent, securityHubEvent, type SampleOptions } from '../../../src/findings/samples.js';

/** The normalized finding of a GuardDuty sample event. */
export function gdFinding(type: string, opts: SampleOptions = {}, patch?: (detail: any) => void): Finding {
  const event = guardDutyEvent(type, opts) as any;
  patch?.(event.detail);
  const out = normalizeRecord(event, 'test')[0];
  if (out === undefined || out instanceof Error) throw new Error(`sample ${type} did not normalize: ${String(out)}`);
  return out;
}

/** The normalized finding of a Security Hub control sample. */
export function controlSample(control: string, opts: SampleOptions = {}): Finding {
  const out = normalizeRecord(securityHubEvent([controlFinding(control, opts)], opts), 'test')[0];
  if (out === undefined || out instanceof Error) throw new Error(`sample ${control} did not normalize`);
  return out;
}

/** Fast retries and a short timeout so failure paths take milliseconds. */
export function analyst(provider: Provider, extra: Partial<LlmAnalystOptions> = {}): LlmAnalyst {
  return new LlmAnalyst({
    provider,
    mode: 'llm',
    retry: { retries: 2, baseMs: 1, maxMs: 5 },
    breaker: { failures: 3, cooldownMs: 60_000 },
    timeoutMs: 2_000,
    ...extra,
  });
}
