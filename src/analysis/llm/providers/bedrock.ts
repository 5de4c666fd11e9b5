/**
 * Amazon Bedrock through the Converse API (any model id or inference profile). Region, credentials
 * and endpoint come from the AWS SDK's own chain (`AWS_REGION`, profiles, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME`
 * or `AWS_ENDPOINT_URL`). Models that do not accept a forced tool choice (Llama, some Mistral) are
 * asked again once without it, and that is remembered for the rest of the run. Requests go over
 * HTTP/1.1.
 */
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandInput, type ToolInputSchema } from '@aws-sdk/client-bedrock-runtime';
import { type LlmRequest, type LlmResponse, type Provider, ProviderError, retryableStatus } from '../provider.js';

/** Settings; unset ones come from the AWS SDK's chain. */
export interface BedrockSettings {
  model: string;
  region?: string;
  endpoint?: string;
}

const THROTTLING = new Set(['ThrottlingException', 'ServiceUnavailableException', 'ModelNotReadyException', 'InternalServerException', 'ModelTimeoutException', 'TimeoutError']);

export class BedrockProvider implements Provider {
  readonly name = 'bedrock' as const;
  readonly model: string;
  private readonly client: BedrockRuntimeClient;
  private forceTool = true;
  /** Prompt caching (cachePoint blocks); off for the rest of the run once a model refuses it. */
  private cache = true;

  constructor(settings: BedrockSettings) {
    this.model = settings.model;
    this.client = new BedrockRuntimeClient({
      maxAttempts: 1,
      // Converse is a plain request/response call: HTTP/1.1 works with Bedrock and with the
      // proxies and gateways teams put in front of it (the client's default is HTTP/2).
      requestHandler: new NodeHttpHandler(),
      ...(settings.region === undefined ? {} : { region: settings.region }),
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    });
  }

  private input(req: LlmRequest): ConverseCommandInput {
    return {
      modelId: this.model,
      // A cache point after the stable system prompt and after the tool caches both.
      system: this.cache ? [{ text: req.system }, { cachePoint: { type: 'default' } }] : [{ text: req.system }],
      messages: [{ role: 'user', content: [{ text: req.user }] }],
      inferenceConfig: { maxTokens: req.maxTokens, temperature: 0 },
      toolConfig: {
        tools: [
          { toolSpec: { name: req.tool.name, description: req.tool.description, inputSchema: { json: req.tool.schema } as unknown as ToolInputSchema } },
          ...(this.cache ? [{ cachePoint: { type: 'default' as const } }] : []),
        ],
        ...(this.forceTool ? { toolChoice: { tool: { name: req.tool.name } } } : {}),
      },
    };
  }

  async complete(req: LlmRequest): Promise<LlmResponse> {
    // A model that refuses a forced tool choice or prompt caching is asked again without it.
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.send(req);
      } catch (err) {
        const e = err as { name?: string; message?: string };
        const validation = e.name === 'ValidationException' && attempt < 2;
        if (validation && this.forceTool && /tool ?choice/i.test(e.message ?? '')) this.forceTool = false;
        else if (validation && this.cache && /cach/i.test(e.message ?? '')) this.cache = false;
        else throw this.classify(err, req.signal);
      }
    }
  }

  private async send(req: LlmRequest): Promise<LlmResponse> {
    const res = await this.client.send(new ConverseCommand(this.input(req)), { abortSignal: req.signal });
    const out: LlmResponse = {
      // Bedrock counts cache reads and writes apart from inputTokens; firebreak counts them all as input.
      usage: {
        inputTokens: (res.usage?.inputTokens ?? 0) + (res.usage?.cacheReadInputTokens ?? 0) + (res.usage?.cacheWriteInputTokens ?? 0),
        outputTokens: res.usage?.outputTokens ?? 0,
        cachedInputTokens: res.usage?.cacheReadInputTokens ?? 0,
      },
      ...(res.stopReason === undefined ? {} : { stopReason: res.stopReason }),
    };
    for (const block of res.output?.message?.content ?? []) {
      if (block.toolUse !== undefined && block.toolUse.name === req.tool.name) out.toolInput = block.toolUse.input;
      else if (block.text !== undefined) out.text = (out.text ?? '') + block.text;
    }
    return out;
  }

  private classify(err: unknown, signal: AbortSignal): ProviderError {
    if (err instanceof ProviderError) return err;
    if (signal.aborted) return new ProviderError('bedrock: no answer before the timeout', true);
    const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    const setup = e.name === 'CredentialsProviderError' || /Region is missing|credential/i.test(e.message ?? '');
    const retryable = !setup && (THROTTLING.has(e.name ?? '') || (status !== undefined && retryableStatus(status)) || (status === undefined && e.name !== 'ValidationException'));
    return new ProviderError(`bedrock: ${e.name ?? 'Error'}${status === undefined ? '' : ` (HTTP ${status})`}: ${(e.message ?? String(err)).slice(0, 300)}`, retryable, status);
  }
}
