/** Turns `triage`'s analyst flags into an analyst: the playbook analyst, or an LLM/hybrid one. */
import { FileCache } from '../analysis/llm/cache.js';
import { LlmAnalyst, type LlmStats } from '../analysis/llm/analyst.js';
import { parsePrice } from '../analysis/llm/cost.js';
import type { ProviderName } from '../analysis/llm/provider.js';
import { createProvider } from '../analysis/llm/providers/index.js';
import { PERSONAL_KINDS, type PersonalKind } from '../analysis/llm/redact.js';
import { PlaybookAnalyst } from '../analysis/playbooks/analyst.js';
import type { Analyst } from '../analysis/types.js';

export const ANALYSTS = ['playbook', 'llm', 'hybrid'] as const;
export type AnalystName = (typeof ANALYSTS)[number];

/** An analyst as the CLI drives it: LLM analysts also say how many analyses to keep in flight and what they spent. */
export type CliAnalyst = Analyst & { concurrency?: number; stats?: LlmStats; model?: string };

/** The analyst flags of `triage`, as commander parses them. */
export interface AnalystFlags {
  analyst: AnalystName;
  provider?: ProviderName;
  model?: string;
  endpoint?: string;
  llmConcurrency?: string;
  llmRpm?: string;
  llmTimeout?: string;
  llmCache?: string;
  redact?: string;
  price?: string;
}

function positiveInt(value: string | undefined, flag: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} ${JSON.stringify(value)}: expected a whole number of at least ${min}`);
  return n;
}

/** Parses `--redact email,phone,ip` (or `none`). */
export function parseRedact(value: string): PersonalKind[] {
  if (value.trim() === 'none') return [];
  const kinds = value.split(',').map((k) => k.trim()).filter((k) => k !== '');
  for (const k of kinds) {
    if (!(PERSONAL_KINDS as readonly string[]).includes(k)) throw new Error(`--redact ${JSON.stringify(k)}: expected a comma-separated list of ${PERSONAL_KINDS.join(', ')}, or none`);
  }
  return kinds as PersonalKind[];
}

/** Builds the analyst; `log` receives retries and circuit changes. */
export async function buildAnalyst(flags: AnalystFlags, log: (line: string) => void, env: Record<string, string | undefined> = process.env): Promise<CliAnalyst> {
  if (flags.analyst === 'playbook') return new PlaybookAnalyst();
  const provider = await createProvider({ ...(flags.provider === undefined ? {} : { provider: flags.provider }), ...(flags.model === undefined ? {} : { model: flags.model }), ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }) }, env);
  return new LlmAnalyst({
    provider,
    mode: flags.analyst,
    concurrency: positiveInt(flags.llmConcurrency, '--llm-concurrency', 4),
    requestsPerMinute: positiveInt(flags.llmRpm, '--llm-rpm', 0, 0),
    timeoutMs: positiveInt(flags.llmTimeout, '--llm-timeout', 60) * 1000,
    ...(flags.llmCache === undefined ? {} : { cache: new FileCache(flags.llmCache) }),
    ...(flags.redact === undefined ? {} : { redaction: { personal: parseRedact(flags.redact) } }),
    ...(flags.price === undefined ? {} : { price: parsePrice(flags.price) }),
    onEvent: (message) => log(`firebreak: ${message}`),
  });
}

/** One line for stderr at the end of an LLM run. */
export function llmSummary(model: string, s: LlmStats): string {
  const cost = s.costUsd === null ? 'cost unknown (set --price IN,OUT)' : `estimated cost $${s.costUsd.toFixed(4)}`;
  return (
    `firebreak: ${model}: ${s.analyses} analyses, ${s.calls} model call(s), ${s.cacheHits} from cache, ` +
    `${s.inputTokens} input + ${s.outputTokens} output tokens, ${cost}; ${s.retries} retries, ${s.repairs} repairs, ` +
    `${s.fallbacks} fallback(s) to playbooks, ${s.rejected} proposal(s) dropped\n`
  );
}
