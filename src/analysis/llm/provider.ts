/** One interface in front of every model provider: a single tool-use call and its token usage. */

/** Provider names of the CLI contract. */
export const PROVIDERS = ['bedrock', 'anthropic', 'openai'] as const;
export type ProviderName = (typeof PROVIDERS)[number];

/** One request: system prompt, user message and the tool the model must call. */
export interface LlmRequest {
  system: string;
  user: string;
  tool: { name: string; description: string; schema: Record<string, unknown> };
  maxTokens: number;
  signal: AbortSignal;
}

/** Token counts as the provider reported them. */
export interface TokenUsage {
  /** Every input token, cached ones included. */
  inputTokens: number;
  outputTokens: number;
  /** Input tokens read from the provider's prompt cache (the stable system prompt and tool schema). */
  cachedInputTokens?: number;
}

/** What came back: the tool's input when the model called it, else its text. */
export interface LlmResponse {
  toolInput?: unknown;
  text?: string;
  usage: TokenUsage;
  stopReason?: string;
}

/** A model provider. Implementations do no retries of their own; the analyst decides. */
export interface Provider {
  readonly name: ProviderName;
  readonly model: string;
  complete(request: LlmRequest): Promise<LlmResponse>;
}

/** A failed provider call, classified for retries. */
export class ProviderError extends Error {
  readonly code = 'ProviderError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** From a `Retry-After` header, when the provider sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

/** `err` as a `ProviderError`; anything else thrown by a provider call is not retried. */
export function asProviderError(err: unknown): ProviderError {
  return err instanceof ProviderError ? err : new ProviderError(err instanceof Error ? err.message : String(err), false);
}

export { retryAfterMs, retryableStatus } from '../../util/resilience.js';


/** Parses a JSON object out of model text (a bare object, or one inside a code fence or prose). */
export function jsonFromText(text: string): unknown {
  const trimmed = text.trim();
  try {
    return JSON.parse(trimmed);
  } catch {
    const start = trimmed.indexOf('{');
    const end = trimmed.lastIndexOf('}');
    if (start < 0 || end <= start) return undefined;
    try {
      return JSON.parse(trimmed.slice(start, end + 1));
    } catch {
      return undefined;
    }
  }
}
