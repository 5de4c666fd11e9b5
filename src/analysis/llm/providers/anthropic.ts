/** The Anthropic Messages API through the official SDK, with forced tool use. */
import Anthropic from '@anthropic-ai/sdk';
import { type LlmRequest, type LlmResponse, type Provider } from '../provider.js';
import { fromSdkError, type SdkSettings, sdkClientOptions } from './sdk.js';

/** Settings; `createProvider` fills unset ones from `ANTHROPIC_BASE_URL` and `ANTHROPIC_API_KEY`. */
export type AnthropicSettings = SdkSettings;

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
          system: req.system,
          messages: [{ role: 'user', content: req.user }],
          tools: [{ name: req.tool.name, description: req.tool.description, input_schema: req.tool.schema as Anthropic.Tool.InputSchema }],
          tool_choice: { type: 'tool', name: req.tool.name },
        },
        { signal: req.signal },
      );
      const out: LlmResponse = {
        usage: { inputTokens: message.usage.input_tokens, outputTokens: message.usage.output_tokens },
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
