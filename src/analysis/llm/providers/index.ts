/**
 * Picks and configures a provider from flags and each provider's usual environment, so existing
 * setups and local servers just work. Flags win over the environment. A provider's SDK is loaded
 * only when that provider is chosen, so the playbook analyst starts without any of them.
 */
import type { ProviderName, Provider } from '../provider.js';

/** A provider setting that cannot work (no key, bad URL, ...). */
export class LlmConfigError extends Error {
  readonly code = 'LlmConfig';
  constructor(message: string) {
    super(message);
    this.name = 'LlmConfigError';
  }
}

/** Models used when `--model` is not given: small, fast and inexpensive. */
export const DEFAULT_MODELS: Record<ProviderName, string> = {
  bedrock: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
  anthropic: 'claude-haiku-4-5',
  openai: 'gpt-4o-mini',
};

/** Flag values; each is optional. */
export interface ProviderFlags {
  provider?: ProviderName;
  model?: string;
  endpoint?: string;
}

type Env = Record<string, string | undefined>;

function set(v: string | undefined): string | undefined {
  return v === undefined || v.trim() === '' ? undefined : v.trim();
}

/** The provider flags name, or the one the environment is set up for: Anthropic key, OpenAI settings, else Bedrock. */
export function providerName(flags: ProviderFlags, env: Env): ProviderName {
  if (flags.provider !== undefined) return flags.provider;
  if (set(env.ANTHROPIC_API_KEY) !== undefined) return 'anthropic';
  if (set(env.OPENAI_BASE_URL) !== undefined || set(env.OPENAI_API_KEY) !== undefined) return 'openai';
  return 'bedrock';
}

function url(value: string | undefined, what: string): string | undefined {
  if (value === undefined) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new LlmConfigError(`${what} ${JSON.stringify(value)} is not an http(s) URL`);
  }
  return value;
}

/** Builds the provider. */
export async function createProvider(flags: ProviderFlags, env: Env = process.env): Promise<Provider> {
  const name = providerName(flags, env);
  const model = set(flags.model) ?? DEFAULT_MODELS[name];
  switch (name) {
    case 'anthropic': {
      const apiKey = set(env.ANTHROPIC_API_KEY);
      if (apiKey === undefined) throw new LlmConfigError('the anthropic provider needs ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for a proxy or local server)');
      const baseURL = url(set(flags.endpoint) ?? set(env.ANTHROPIC_BASE_URL), flags.endpoint !== undefined ? '--endpoint' : 'ANTHROPIC_BASE_URL');
      const { AnthropicProvider } = await import('./anthropic.js');
      return new AnthropicProvider({ model, apiKey, ...(baseURL === undefined ? {} : { baseURL }) });
    }
    case 'openai': {
      const baseURL = url(set(flags.endpoint) ?? set(env.OPENAI_BASE_URL), flags.endpoint !== undefined ? '--endpoint' : 'OPENAI_BASE_URL');
      const apiKey = set(env.OPENAI_API_KEY) ?? (baseURL === undefined ? undefined : 'none');
      if (apiKey === undefined) throw new LlmConfigError('the openai provider needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server such as Ollama (http://localhost:11434/v1)');
      const { OpenAiProvider } = await import('./openai.js');
      return new OpenAiProvider({ model, apiKey, ...(baseURL === undefined ? {} : { baseURL }) });
    }
    case 'bedrock': {
      const endpoint = url(set(flags.endpoint), '--endpoint');
      const region = set(env.AWS_REGION) ?? set(env.AWS_DEFAULT_REGION);
      const { BedrockProvider } = await import('./bedrock.js');
      return new BedrockProvider({ model, ...(region === undefined ? {} : { region }), ...(endpoint === undefined ? {} : { endpoint }) });
    }
  }
}
