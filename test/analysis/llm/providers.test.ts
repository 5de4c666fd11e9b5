/**
 * Each provider against a local server speaking its real wire format: good answers, malformed
 * output and the one repair, off-vocabulary actions, hallucinated targets, throttling with
 * Retry-After, server errors, slow answers, the circuit breaker and the cache.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, type Protocol, schemaModel, simulatedModel, startModelServer } from '../../../bench/llm-server.mjs';
import { parseAnswer } from '../../../src/analysis/llm/answer.js';
import type { Provider } from '../../../src/analysis/llm/provider.js';
import { AnthropicProvider } from '../../../src/analysis/llm/providers/anthropic.js';
import { BedrockProvider } from '../../../src/analysis/llm/providers/bedrock.js';
import { createProvider } from '../../../src/analysis/llm/providers/index.js';
import { OpenAiProvider } from '../../../src/analysis/llm/providers/openai.js';
import { analyst, gdFinding } from './support.js';

const PROTOCOLS: Protocol[] = ['openai', 'anthropic', 'bedrock'];

function providerFor(protocol: Protocol, url: string): Provider {
  if (protocol === 'openai') return new OpenAiProvider({ model: 'llama3.1:8b', apiKey: 'none', baseURL: url });
  if (protocol === 'anthropic') return new AnthropicProvider({ model: 'claude-haiku-4-5', apiKey: 'sk-test', baseURL: url });
  return new BedrockProvider({ model: 'us.anthropic.claude-haiku-4-5-20251001-v1:0', region: 'us-east-1', endpoint: url });
}

const saved = { ...process.env };
beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTING';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing-secret';
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
});
afterAll(() => {
  process.env = saved;
});

describe.each(PROTOCOLS)('%s provider', (protocol) => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ protocol });
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.requests.length = 0;
    server.setResponder((ctx) => ({ answer: simulatedModel(ctx.user) }));
  });

  it('returns a validated analysis with placeholders mapped back and a grounded action', async () => {
    const finding = gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    const a = await analyst(providerFor(protocol, server.url)).analyze(finding);
    const instanceId = finding.resources[0]?.ids.instanceId as string;
    expect(a.analyst).toBe('llm');
    expect(a.fallback).toBeNull();
    expect(a.summary).toContain(finding.account);
    expect(a.summary).not.toContain('<account>');
    expect(a.steps[0]?.commands[0]).toBe(`aws ec2 describe-instances --instance-ids ${instanceId} --region ${finding.region}`);
    expect(a.actions).toEqual([{ action: 'ec2:isolate-instance', target: instanceId, risk: 'contain', reason: 'Contain the instanceId named in the finding.' }]);
    expect(a.rejected).toEqual([]);
    expect(a.usage?.cached).toBe(false);
    expect(a.usage?.inputTokens).toBeGreaterThan(100);
    expect(a.usage?.outputTokens).toBeGreaterThan(10);
    // The model saw placeholders, never the identifiers.
    const sent = JSON.stringify(server.requests[0]?.body);
    expect(sent).not.toContain(instanceId);
    expect(sent).not.toContain(finding.account);
    expect(sent).toContain('<instanceId>');
  });

  it('a model that follows only the JSON Schema it is sent answers validly: no fallback', async () => {
    server.setResponder((ctx) => ({ answer: schemaModel(ctx.schema) }));
    const a = await analyst(providerFor(protocol, server.url)).analyze(gdFinding('Recon:EC2/PortProbeUnprotectedPort'));
    expect(a.fallback).toBeNull();
    expect(a.analyst).toBe('llm');
    expect(a.steps[0]).toMatchObject({ phase: 'investigate', title: 'text', detail: 'text', commands: ['text'] });
    // The schema names the vocabulary: the model's action is a real one (its made-up target is then refused).
    expect(a.rejected?.[0]).toMatchObject({ action: 'ec2:isolate-instance', target: 'text' });
    const schema = server.requests[0]?.schema as { additionalProperties: boolean; properties: { steps: { items: { properties: { phase: { enum: string[] } } } } } };
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.steps.items.properties.phase.enum).toEqual(['investigate', 'contain', 'remediate', 'prevent']);
    // The old shape (bare arrays, prose for the rest) gets strings for steps, which never validate.
    expect(parseAnswer(schemaModel({ type: 'object', properties: { summary: { type: 'string' }, impact: { type: 'string' }, steps: { type: 'array' }, actions: { type: 'array' }, confidence: { type: 'number' } }, required: ['summary', 'impact', 'steps', 'actions', 'confidence'] })).ok).toBe(false);
  });

  it('marks the stable system prompt and tool schema for the prompt cache and records cached tokens', async () => {
    const llm = analyst(providerFor(protocol, server.url));
    await llm.analyze(gdFinding('Recon:EC2/PortProbeUnprotectedPort'));
    const second = await llm.analyze(gdFinding('UnauthorizedAccess:EC2/SSHBruteForce'));
    const body = server.requests[0]?.body as Record<string, any>;
    if (protocol === 'anthropic') expect(body.system).toEqual([expect.objectContaining({ type: 'text', cache_control: { type: 'ephemeral' } })]);
    if (protocol === 'bedrock') {
      expect(body.system?.[1]).toEqual({ cachePoint: { type: 'default' } });
      expect(body.toolConfig?.tools?.[1]).toEqual({ cachePoint: { type: 'default' } });
    }
    if (protocol === 'openai') expect(body.tools?.[0]?.function?.strict).toBe(true);
    expect(server.requests[1]?.cachedTokens).toBeGreaterThan(100);
    expect(second.usage?.cachedInputTokens).toBe(server.requests[1]?.cachedTokens);
    expect(second.usage?.inputTokens).toBe(server.requests[1]?.inputTokens);
  });

  it('sends the provider\'s own request shape with a forced tool call', async () => {
    await analyst(providerFor(protocol, server.url)).analyze(gdFinding('Recon:EC2/PortProbeUnprotectedPort'));
    const req = server.requests[0];
    expect(req?.toolName).toBe('record_analysis');
    expect(req?.schema).toMatchObject({ type: 'object', required: expect.arrayContaining(['summary', 'steps', 'actions', 'confidence']) });
    if (protocol === 'openai') {
      expect(req?.body.tool_choice).toEqual({ type: 'function', function: { name: 'record_analysis' } });
      expect(req?.headers.authorization).toBe('Bearer none');
    } else if (protocol === 'anthropic') {
      expect(req?.body.tool_choice).toEqual({ type: 'tool', name: 'record_analysis' });
      // The SDK sends the key as x-api-key or, in newer versions, as a bearer token.
      expect([req?.headers['x-api-key'], req?.headers.authorization]).toContain(req?.headers['x-api-key'] === undefined ? 'Bearer sk-test' : 'sk-test');
      expect(req?.headers['anthropic-version']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    } else {
      expect(req?.path).toMatch(/^\/model\/us\.anthropic\.claude-haiku-4-5-20251001-v1(?:%3A|:)0\/converse$/);
      expect(req?.model).toBe('us.anthropic.claude-haiku-4-5-20251001-v1:0');
      expect(req?.body.toolConfig.toolChoice).toEqual({ tool: { name: 'record_analysis' } });
      expect(String(req?.headers.authorization)).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTING\/\d{8}\/us-east-1\/bedrock\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/);
    }
  });

  it('repairs malformed output once, telling the model what was wrong', async () => {
    server.setResponder((ctx) => (ctx.n === 0 ? (protocol === 'openai' ? { rawArguments: '{"summary": "unterminated' } : { answer: { summary: 'only a summary' } }) : { answer: simulatedModel(ctx.user) }));
    const llm = analyst(providerFor(protocol, server.url));
    const a = await llm.analyze(gdFinding('Backdoor:EC2/C&CActivity.B'));
    expect(a.fallback).toBeNull();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]?.user).toContain('Your previous answer was rejected by validation');
    expect(llm.stats.repairs).toBe(1);
  });

  it('falls back to the playbook analyst, marked, when the repair is invalid too', async () => {
    server.setResponder(() => ({ text: 'I think this is fine, nothing to do.' }));
    const a = await analyst(providerFor(protocol, server.url)).analyze(gdFinding('UnauthorizedAccess:EC2/SSHBruteForce'));
    expect(server.requests).toHaveLength(2);
    expect(a.analyst).toBe('playbook');
    expect(a.playbookId).toBe('ec2-ssh-brute-force');
    expect(a.fallback).toMatch(/^invalid model output after one repair/);
    expect(a.usage?.inputTokens).toBeGreaterThan(0);
  });

  it('drops off-vocabulary actions and hallucinated targets and reports each', async () => {
    const finding = gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    server.setResponder((ctx) => {
      const answer = simulatedModel(ctx.user);
      answer.actions = [
        { action: 'ec2:terminate-everything', target: '<instanceId>', reason: 'wipe' },
        { action: 'ec2:isolate-instance', target: 'i-0123456789abcdef0', reason: 'a made-up instance' },
        { action: 'ec2:isolate-instance', target: '<instanceId_7>', reason: 'an unknown placeholder' },
        { action: 'iam:deactivate-access-key', target: '<instanceId>', reason: 'wrong kind' },
        { action: 'ec2:isolate-instance', target: '<instanceId>', reason: 'the real one' },
      ];
      return { answer };
    });
    const a = await analyst(providerFor(protocol, server.url)).analyze(finding);
    const instanceId = finding.resources[0]?.ids.instanceId as string;
    expect(a.actions.map((x) => [x.action, x.target])).toEqual([['ec2:isolate-instance', instanceId]]);
    expect(a.rejected).toEqual([
      { action: 'ec2:terminate-everything', target: instanceId, reason: 'unknown action: not in the action vocabulary' },
      { action: 'ec2:isolate-instance', target: 'i-0123456789abcdef0', reason: "target is not a instanceId in the finding's structured resource fields" },
      { action: 'ec2:isolate-instance', target: '<instanceId_7>', reason: 'target <instanceId_7> is not an identifier of this finding' },
      { action: 'iam:deactivate-access-key', target: instanceId, reason: "target is not a accessKeyId in the finding's structured resource fields" },
    ]);
  });

  it('retries throttling, honouring Retry-After, then answers', async () => {
    server.setResponder((ctx) => (ctx.n < 2 ? { status: 429, message: 'Too many requests', headers: { 'retry-after': '0' } } : { answer: simulatedModel(ctx.user) }));
    const llm = analyst(providerFor(protocol, server.url));
    const a = await llm.analyze(gdFinding('Recon:EC2/Portscan'));
    expect(a.fallback).toBeNull();
    expect(server.requests).toHaveLength(3);
    expect(llm.stats.retries).toBe(2);
  });

  it('gives up after the retries on server errors and answers from the playbook', async () => {
    server.setResponder(() => ({ status: 500, message: 'internal' }));
    const llm = analyst(providerFor(protocol, server.url));
    const a = await llm.analyze(gdFinding('UnauthorizedAccess:EC2/SSHBruteForce'));
    expect(server.requests).toHaveLength(3);
    expect(a.analyst).toBe('playbook');
    expect(a.fallback).toMatch(/^provider error: .*500/);
  });

  it('does not retry a request the provider refuses (HTTP 400)', async () => {
    server.setResponder(() => ({ status: 400, message: 'bad request' }));
    const a = await analyst(providerFor(protocol, server.url)).analyze(gdFinding('Recon:EC2/Portscan'));
    expect(server.requests).toHaveLength(1);
    expect(a.fallback).toMatch(/^provider error/);
  });

  it('times out a slow answer and retries it', async () => {
    server.setResponder((ctx) => (ctx.n === 0 ? { delayMs: 1_500 } : { answer: simulatedModel(ctx.user) }));
    const llm = analyst(providerFor(protocol, server.url), { timeoutMs: 300 });
    const a = await llm.analyze(gdFinding('Recon:EC2/Portscan'));
    expect(a.fallback).toBeNull();
    expect(llm.stats.retries).toBe(1);
  });

  it('opens the circuit after repeated failures and stops calling the provider', async () => {
    server.setResponder(() => ({ status: 503, message: 'down' }));
    const llm = analyst(providerFor(protocol, server.url), { retry: { retries: 0, baseMs: 1, maxMs: 1 } });
    const types = ['Recon:EC2/Portscan', 'UnauthorizedAccess:EC2/SSHBruteForce', 'Backdoor:EC2/C&CActivity.B', 'CryptoCurrency:EC2/BitcoinTool.B!DNS', 'Trojan:EC2/BlackholeTraffic'];
    const results = [];
    for (const t of types) results.push(await llm.analyze(gdFinding(t)));
    expect(server.requests).toHaveLength(3);
    expect(results.slice(3).map((r) => r.fallback)).toEqual([expect.stringMatching(/circuit open/), expect.stringMatching(/circuit open/)]);
    expect(results.every((r) => r.analyst === 'playbook')).toBe(true);
  });

  it('answers a repeat of the same kind of finding from the cache, mapped onto the new resource', async () => {
    const llm = analyst(providerFor(protocol, server.url));
    const first = gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS', { variant: 1 });
    const second = gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS', { variant: 2, account: '210987654321', region: 'eu-west-1' });
    expect(second.resources[0]?.ids.instanceId).not.toBe(first.resources[0]?.ids.instanceId);
    const [a, b] = await Promise.all([llm.analyze(first), llm.analyze(second)]);
    const again = await llm.analyze(second);
    expect(server.requests).toHaveLength(1);
    expect(a.usage?.cached).toBe(false);
    expect(b.usage).toMatchObject({ cached: true, inputTokens: 0, outputTokens: 0 });
    expect(again.usage?.cached).toBe(true);
    expect(b.actions[0]?.target).toBe(second.resources[0]?.ids.instanceId);
    expect(b.summary).toContain('210987654321');
    expect(b.steps[0]?.commands[0]).toContain('--region eu-west-1');
    expect(llm.stats).toMatchObject({ calls: 1, cacheHits: 2, analyses: 3 });
  });
});

describe('bedrock settings', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ protocol: 'bedrock' });
  });
  afterAll(() => server.close());

  it('finds the endpoint in AWS_ENDPOINT_URL_BEDROCK_RUNTIME and the region in AWS_REGION', async () => {
    const before = process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
    process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = server.url;
    try {
      const provider = await createProvider({ provider: 'bedrock', model: 'amazon.nova-lite-v1:0' }, { AWS_REGION: 'eu-west-1' });
      const a = await analyst(provider).analyze(gdFinding('Recon:EC2/Portscan'));
      expect(a.fallback).toBeNull();
      expect(server.requests[0]?.model).toBe('amazon.nova-lite-v1:0');
      expect(String(server.requests[0]?.headers.authorization)).toContain('/eu-west-1/bedrock/aws4_request');
    } finally {
      if (before === undefined) delete process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME;
      else process.env.AWS_ENDPOINT_URL_BEDROCK_RUNTIME = before;
    }
  });

  it('asks again without a forced tool choice when the model does not support one, and remembers', async () => {
    server.requests.length = 0;
    server.setResponder((ctx) =>
      ctx.body.toolConfig?.toolChoice !== undefined ? { status: 400, message: 'This model doesn\'t support the toolChoice field. Remove toolChoice and try again.' } : { answer: simulatedModel(ctx.user) },
    );
    const llm = analyst(new BedrockProvider({ model: 'meta.llama3-1-70b-instruct-v1:0', region: 'us-east-1', endpoint: server.url }));
    const first = await llm.analyze(gdFinding('Recon:EC2/Portscan'));
    const second = await llm.analyze(gdFinding('UnauthorizedAccess:EC2/SSHBruteForce'));
    expect([first.fallback, second.fallback]).toEqual([null, null]);
    expect(server.requests.map((r) => r.body.toolConfig?.toolChoice !== undefined)).toEqual([true, false, false]);
  });
});
