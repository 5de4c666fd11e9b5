/**
 * What the Anthropic and OpenAI providers share: their settings, the SDK client options (no SDK
 * retries or timeout of its own: the analyst's policy decides), and their errors turned into
 * `ProviderError`s the analyst can classify.
 */
import { ProviderError, retryAfterMs, retryableStatus } from '../provider.js';

/** Settings of a provider reached through an official HTTP SDK. */
export interface SdkSettings {
  model: string;
  apiKey: string;
  baseURL?: string;
}

/** Client options: the key, the endpoint when set, and no SDK-side retries (the analyst retries). */
export function sdkClientOptions(settings: SdkSettings): { apiKey: string; baseURL?: string; maxRetries: number; timeout: number } {
  return {
    apiKey: settings.apiKey,
    ...(settings.baseURL === undefined ? {} : { baseURL: settings.baseURL }),
    maxRetries: 0,
    // The analyst's own per-call timeout (an abort signal) is what applies; this only caps it.
    timeout: 10 * 60_000,
  };
}

interface SdkApiError {
  status?: number;
  headers?: Headers | Record<string, string>;
  message?: string;
  name?: string;
}

function header(headers: SdkApiError['headers'], name: string): string | undefined {
  if (headers === undefined) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  return (headers as Record<string, string>)[name];
}

/** Classifies an error thrown by the Anthropic or OpenAI SDK (same shapes). */
export function fromSdkError(provider: string, err: unknown, signal: AbortSignal): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal.aborted) return new ProviderError(`${provider}: no answer before the timeout`, true);
  const e = (typeof err === 'object' && err !== null ? err : {}) as SdkApiError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const message = (e.message ?? String(err)).slice(0, 300);
  const after = retryAfterMs(header(e.headers, 'retry-after'));
  return new ProviderError(`${provider}: ${status === undefined ? '' : `HTTP ${status}: `}${message}`, retryableStatus(status), status, after);
}
