/**
 * Any OpenAI-compatible chat completions endpoint (OpenAI, Ollama, vLLM, LM Studio, llama.cpp
 * server) through the official SDK, with a forced function call. Servers that answer in plain
 * text instead of a tool call are still understood when the text holds the JSON answer.
 */
import OpenAI from 'openai';
import { jsonFromText, type LlmRequest, type LlmResponse, type Provider } from '../provider.js';
import { fromSdkError, type SdkSettings, sdkClientOptions } from './sdk.js';

/** Settings; `createProvider` fills unset ones from `OPENAI_BASE_URL` and `OPENAI_API_KEY`. */
export type OpenAiSettings = SdkSettings;

export class OpenAiProvider implements Provider {
  readonly name = 'openai' as const;
  readonly model: string;
  private readonly client: OpenAI;

  constructor(settings: OpenAiSettings) {
    this.model = settings.model;
    this.client = new OpenAI(sdkClientOptions(settings));
  }

  async complete(req: LlmRequest): Promise<LlmResponse> {
    try {
      const completion = await this.client.chat.completions.create(
        {
          model: this.model,
          max_tokens: req.maxTokens,
          temperature: 0,
          messages: [
            { role: 'system', content: req.system },
            { role: 'user', content: req.user },
          ],
          // Strict mode: the answer follows the schema exactly (servers that do not know it ignore it).
          // The stable system prompt and tool come first, so OpenAI's automatic prefix cache applies.
          tools: [{ type: 'function', function: { name: req.tool.name, description: req.tool.description, parameters: req.tool.schema, strict: true } }],
          tool_choice: { type: 'function', function: { name: req.tool.name } },
        },
        { signal: req.signal },
      );
      const choice = completion.choices[0];
      const out: LlmResponse = {
        usage: {
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
          cachedInputTokens: completion.usage?.prompt_tokens_details?.cached_tokens ?? 0,
        },
        ...(choice?.finish_reason === undefined ? {} : { stopReason: choice.finish_reason }),
      };
      const call = choice?.message.tool_calls?.find((c) => c.type === 'function' && c.function.name === req.tool.name);
      if (call !== undefined && call.type === 'function') {
        out.text = call.function.arguments;
        const parsed = jsonFromText(call.function.arguments);
        if (parsed !== undefined) out.toolInput = parsed;
      } else if (typeof choice?.message.content === 'string') {
        out.text = choice.message.content;
        const parsed = jsonFromText(choice.message.content);
        if (parsed !== undefined) out.toolInput = parsed;
      }
      return out;
    } catch (err) {
      throw fromSdkError('openai', err, req.signal);
    }
  }
}
