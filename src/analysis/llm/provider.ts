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
  inputTokens: number;
  outputTokens: number;
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

/** Parses a `Retry-After` value (seconds or an HTTP date) into milliseconds. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether an HTTP status is worth retrying: throttling, timeouts and server errors. */
export function retryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

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
