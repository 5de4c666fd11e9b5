/**
 * The LLM and hybrid analysts. One call per distinct kind of finding (the cache and in-flight
 * sharing see to repeats), a validated tool-use answer repaired at most once, actions grounded in
 * the finding's structured ids, and the playbook analyst answering whenever the model cannot:
 * provider down (circuit open), errors after retries, or output still invalid after the repair.
 */
import type { Finding } from '../../findings/model.js';
import { PlaybookAnalyst } from '../playbooks/analyst.js';
import { cleanBlock, cleanText, escapeFor, shellQuote } from '../playbooks/render.js';
import type { Analysis, Analyst, Step } from '../types.js';
import { ANSWER_TOOL, type Answer, parseAnswer, toolSchema } from './answer.js';
import { type AnswerCache, MemoryCache } from './cache.js';
import { costUsd, type Price, priceOf } from './cost.js';
import { type ActionPolicy, DEFAULT_POLICY, groundActions } from './ground.js';
import { buildPrompt, type LlmMode, type Prompt } from './prompt.js';
import { asProviderError, type Provider, ProviderError, type TokenUsage } from './provider.js';
import { DEFAULT_REDACTION, type Placeholders, type RedactionOptions } from './redact.js';
import {
  type BreakerOptions,
  CircuitBreaker,
  type Clock,
  DEFAULT_BREAKER,
  DEFAULT_RETRY,
  RateLimiter,
  realClock,
  type RetryOptions,
  Semaphore,
  withRetry,
} from '../../util/resilience.js';

/** Settings of an LLM analyst; everything but the provider and mode has a default. */
export interface LlmAnalystOptions {
  provider: Provider;
  mode: LlmMode;
  playbooks?: PlaybookAnalyst;
  redaction?: RedactionOptions;
  policy?: ActionPolicy;
  /** Model calls in flight at once (default 4). */
  concurrency?: number;
  /** Calls started per minute, 0 for no limit (default 0). */
  requestsPerMinute?: number;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  /** Per call (default 60 s). */
  timeoutMs?: number;
  /** Output token limit per call (default 2,048). */
  maxTokens?: number;
  /** Overrides the list price for cost estimates. */
  price?: Price;
  cache?: AnswerCache;
  clock?: Clock;
  /** Retries and circuit changes, for logs. */
  onEvent?: (message: string) => void;
}

/** Per-run totals. */
export interface LlmStats {
  analyses: number;
  calls: number;
  cacheHits: number;
  inputTokens: number;
  /** Of the input tokens, those the provider read from its prompt cache. */
  cachedInputTokens: number;
  outputTokens: number;
  /** Null when the model's price is unknown. */
  costUsd: number | null;
  retries: number;
  repairs: number;
  fallbacks: number;
  rejected: number;
}

type Outcome = { answer: Answer; usage: TokenUsage } | { failure: string; usage: TokenUsage };

const NO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0 };

export class LlmAnalyst implements Analyst {
  readonly name: LlmMode;
  readonly stats: LlmStats;
  private readonly playbooks: PlaybookAnalyst;
  private readonly cache: AnswerCache;
  private readonly inflight = new Map<string, Promise<Outcome>>();
  private readonly semaphore: Semaphore;
  private readonly rate: RateLimiter;
  private readonly breaker: CircuitBreaker;
  private readonly clock: Clock;
  private readonly price: Price | undefined;

  constructor(private readonly options: LlmAnalystOptions) {
    this.name = options.mode;
    this.playbooks = options.playbooks ?? new PlaybookAnalyst();
    this.cache = options.cache ?? new MemoryCache();
    this.clock = options.clock ?? realClock;
    this.semaphore = new Semaphore(options.concurrency ?? 4);
    this.rate = new RateLimiter(options.requestsPerMinute ?? 0, this.clock);
    this.breaker = new CircuitBreaker(options.breaker ?? DEFAULT_BREAKER, this.clock);
    this.price = options.price ?? priceOf(options.provider.model);
    this.stats = { analyses: 0, calls: 0, cacheHits: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, costUsd: this.price === undefined ? null : 0, retries: 0, repairs: 0, fallbacks: 0, rejected: 0 };
  }

  /** The model asked. */
  get model(): string {
    return this.options.provider.model;
  }

  /** Model calls in flight: findings of one kind arriving together share one call. */
  get concurrency(): number {
    return this.options.concurrency ?? 4;
  }

  async analyze(finding: Finding): Promise<Analysis> {
    this.stats.analyses += 1;
    const mode = this.options.mode;
    const grounding = this.playbooks.analyzeSync(finding);
    const prompt = buildPrompt(finding, {
      mode,
      model: this.options.provider.model,
      redaction: this.options.redaction ?? DEFAULT_REDACTION,
      ...(mode === 'hybrid' ? { playbook: groundingFor(finding, this.playbooks) } : {}),
      modelActionsInHybrid: (this.options.policy ?? DEFAULT_POLICY).modelActionsInHybrid,
    });
    const cached = this.cache.get(prompt.key);
    if (cached !== undefined) {
      this.stats.cacheHits += 1;
      return this.fromAnswer(finding, prompt, cached, grounding, NO_USAGE, true);
    }
    let pending = this.inflight.get(prompt.key);
    const shared = pending !== undefined;
    if (pending === undefined) {
      pending = this.ask(prompt).finally(() => this.inflight.delete(prompt.key));
      this.inflight.set(prompt.key, pending);
    }
    const outcome = await pending;
    // Tokens are counted once, on the analysis whose call spent them.
    const usage = shared ? NO_USAGE : outcome.usage;
    if ('failure' in outcome) return this.fallback(grounding, outcome.failure, usage);
    if (shared) this.stats.cacheHits += 1;
    return this.fromAnswer(finding, prompt, outcome.answer, grounding, usage, shared);
  }

  /** Asks the model, repairing once; caches a valid answer. */
  private async ask(prompt: Prompt): Promise<Outcome> {
    const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
    let user = prompt.user;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      if (!this.breaker.allow()) return { failure: `provider unavailable: circuit open after repeated failures of ${this.options.provider.name}`, usage };
      let raw: unknown;
      try {
        const res = await this.call(prompt.system, user);
        this.breaker.success();
        usage.inputTokens += res.usage.inputTokens;
        usage.outputTokens += res.usage.outputTokens;
        usage.cachedInputTokens = (usage.cachedInputTokens ?? 0) + (res.usage.cachedInputTokens ?? 0);
        raw = res.toolInput;
        if (raw === undefined && res.text !== undefined) raw = res.text;
      } catch (err) {
        this.breaker.failure();
        if (this.breaker.state !== 'closed') this.options.onEvent?.(`${this.options.provider.name}: circuit open; the playbook analyst answers until it recovers`);
        const message = err instanceof Error ? err.message : String(err);
        return { failure: `provider error: ${cleanText(message, 300)}`, usage };
      }
      const checked = this.check(raw);
      if ('answer' in checked) {
        this.cache.set(prompt.key, checked.answer);
        return { answer: checked.answer, usage };
      }
      if (attempt === 0) {
        this.stats.repairs += 1;
        user = `${prompt.user}\n\nYour previous answer was rejected by validation:\n${checked.problems.map((p) => `- ${p}`).join('\n')}\nCall ${ANSWER_TOOL.name} again with a complete, corrected answer.`;
        continue;
      }
      return { failure: `invalid model output after one repair: ${cleanText(checked.problems.slice(0, 3).join('; '), 300)}`, usage };
    }
    return { failure: 'invalid model output', usage };
  }

  /** The answer when `raw` is valid for this mode, else the problems to send back. */
  private check(raw: unknown): { answer: Answer } | { problems: string[] } {
    if (raw === undefined) return { problems: ['no answer: call the tool'] };
    if (typeof raw === 'string') return { problems: [`the answer is not a JSON object: ${cleanText(raw, 80)}`] };
    const parsed = parseAnswer(raw);
    if (!parsed.ok) return { problems: parsed.problems };
    if (this.options.mode === 'llm' && parsed.answer.steps.length === 0) return { problems: ['steps: at least one step is required'] };
    return { answer: parsed.answer };
  }

  /** One provider call with rate limit, concurrency limit, timeout and retries. */
  private call(system: string, user: string) {
    const provider = this.options.provider;
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    return this.semaphore.run(() =>
      withRetry(
        async () => {
          await this.rate.acquire();
          this.stats.calls += 1;
          return provider.complete({
            system,
            user,
            tool: { ...ANSWER_TOOL, schema: toolSchema() },
            maxTokens: this.options.maxTokens ?? 2048,
            signal: AbortSignal.timeout(timeoutMs),
          });
        },
        this.options.retry ?? DEFAULT_RETRY,
        this.clock,
        asProviderError,
        (err: ProviderError, wait: number) => {
          this.stats.retries += 1;
          this.options.onEvent?.(`${provider.name}: ${err.message}; retrying in ${(wait / 1000).toFixed(1)} s`);
        },
      ),
    );
  }

  private account(usage: TokenUsage): number | null {
    this.stats.inputTokens += usage.inputTokens;
    this.stats.cachedInputTokens += usage.cachedInputTokens ?? 0;
    this.stats.outputTokens += usage.outputTokens;
    const cost = costUsd(this.price, usage.inputTokens, usage.outputTokens);
    if (cost !== null && this.stats.costUsd !== null) this.stats.costUsd = Math.round((this.stats.costUsd + cost) * 1e6) / 1e6;
    return cost;
  }

  private fallback(grounding: Analysis, reason: string, usage: TokenUsage): Analysis {
    this.stats.fallbacks += 1;
    const cost = this.account(usage);
    return { ...grounding, model: this.options.provider.model, usage: { ...usage, cached: false, costUsd: cost }, fallback: reason, rejected: [] };
  }

  /** Maps a generalized answer back onto `finding` and grounds its actions. */
  private fromAnswer(finding: Finding, prompt: Prompt, answer: Answer, grounding: Analysis, usage: TokenUsage, cached: boolean): Analysis {
    const ph = prompt.placeholders;
    const mode = this.options.mode;
    const text = (s: string, max: number): string => cleanText(ph.restore(s), max);
    const steps: Step[] = answer.steps.map((s) => ({
      phase: s.phase,
      title: text(s.title, 160),
      detail: text(s.detail, 1200),
      commands: s.commands.map((c) => cleanText(ph.restore(c, (v) => shellQuote(cleanText(v))), 600)),
    }));
    const { accepted, rejected } = groundActions(answer.actions, finding, ph, {
      mode,
      playbookActions: grounding.actions,
      policy: this.options.policy ?? DEFAULT_POLICY,
    });
    this.stats.rejected += rejected.length;
    const cost = this.account(usage);
    const analysis: Analysis = {
      analyst: mode,
      playbookId: mode === 'hybrid' ? grounding.playbookId : null,
      summary: text(answer.summary, 1500),
      impact: text(answer.impact, 1200),
      falsePositives: answer.falsePositives.map((f) => text(f, 400)),
      steps: mode === 'hybrid' ? [...grounding.steps, ...steps] : steps,
      actions: mode === 'hybrid' ? mergeActions(grounding.actions, accepted) : accepted,
      // Documentation links and ATT&CK ids are catalog facts, not the model's to invent.
      references: grounding.references,
      mitre: grounding.mitre,
      confidence: answer.confidence,
      model: this.options.provider.model,
      usage: { ...usage, cached, costUsd: cost },
      fallback: null,
      rejected,
    };
    const iac = mode === 'hybrid' && grounding.iac !== undefined ? grounding.iac : modelIac(answer, ph);
    if (iac !== undefined) analysis.iac = iac;
    return analysis;
  }
}

/**
 * The playbook as the model sees it in hybrid mode: rendered for a copy of the finding without its
 * counts and times, so that updates of one finding share one prompt (and one cached answer).
 */
function groundingFor(finding: Finding, playbooks: PlaybookAnalyst): Analysis {
  return playbooks.analyzeSync({ ...finding, id: '', count: 1, firstSeen: '', lastSeen: '' });
}

function mergeActions(playbook: Analysis['actions'], extra: Analysis['actions']): Analysis['actions'] {
  const seen = new Set(playbook.map((a) => `${a.action}\u0000${a.target}`));
  return [...playbook, ...extra.filter((a) => !seen.has(`${a.action}\u0000${a.target}`))];
}

function modelIac(answer: Answer, ph: Placeholders): Analysis['iac'] {
  if (answer.iac === undefined) return undefined;
  const out: NonNullable<Analysis['iac']> = {};
  const block = (s: string, context: 'hcl' | 'yaml'): string => ph.restore(cleanBlock(s), (v) => escapeFor(context, v));
  if (answer.iac.terraform !== undefined) out.terraform = block(answer.iac.terraform, 'hcl');
  if (answer.iac.cloudformation !== undefined) out.cloudformation = block(answer.iac.cloudformation, 'yaml');
  return Object.keys(out).length === 0 ? undefined : out;
}
