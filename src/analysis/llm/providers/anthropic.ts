/** The Anthropic Messages API through the official SDK, with forced tool use. */
import Anthropic from '@anthropic-ai/sdk';
import { type LlmRequest, type LlmResponse, type Provider } from '../provider.js';
import { fromSdkError, type SdkSettings, sdkClientOptions } from './sdk.js';

/** Settings; `createProvider` fills unset ones from `ANTHROPIC_BASE_URL` and `ANTHROPIC_API_KEY`. */
export type AnthropicSettings = SdkSettings;

/** Anthropic counts cache reads and writes apart from `input_tokens`; firebreak counts them all as input. */
function usageOf(u: Anthropic.Usage): LlmResponse['usage'] {
  const read = u.cache_read_input_tokens ?? 0;
  const written = u.cache_creation_input_tokens ?? 0;
  return { inputTokens: u.input_tokens + read + written, outputTokens: u.output_tokens, cachedInputTokens: read };
}

export class AnthropicProvider implements Provider {
  readonly name = 'anthropic' as const;
  readonly model: string;
  private readonly client: Anthropic;

  constructor(settings: AnthropicSettings) {
    this.model = settings.model;
    this.client = new Anthropic(sdkClientOptions(settings));
  }

  async complete(req: LlmRequest): Promise<LlmResponse> {
    try {
      const message = await this.client.messages.create(
        {
          model: this.model,
          max_tokens: req.maxTokens,
          // The tool schema and the system prompt are the same on every call: one cache breakpoint
          // after the system prompt caches both (tools come first in the prompt).
          system: [{ type: 'text', text: req.system, cache_control: { type: 'ephemeral' } }],
          messages: [{ role: 'user', content: req.user }],
          tools: [{ name: req.tool.name, description: req.tool.description, input_schema: req.tool.schema as Anthropic.Tool.InputSchema }],
          tool_choice: { type: 'tool', name: req.tool.name },
        },
        { signal: req.signal },
      );
      const out: LlmResponse = {
        usage: usageOf(message.usage),
        ...(message.stop_reason === null ? {} : { stopReason: message.stop_reason }),
      };
      for (const block of message.content) {
        if (block.type === 'tool_use' && block.name === req.tool.name) out.toolInput = block.input;
        else if (block.type === 'text') out.text = (out.text ?? '') + block.text;
      }
      return out;
    } catch (err) {
      throw fromSdkError('anthropic', err, req.signal);
    }
  }
}
