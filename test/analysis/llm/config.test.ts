/** Provider choice from flags and environment, cost estimates, the on-disk cache and the action policy. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, simulatedModel, startModelServer } from '../../../bench/llm-server.mjs';
import { FileCache } from '../../../src/analysis/llm/cache.js';
import { costUsd, parsePrice, priceOf } from '../../../src/analysis/llm/cost.js';
import { createProvider, LlmConfigError, providerName } from '../../../src/analysis/llm/providers/index.js';
import { OpenAiProvider } from '../../../src/analysis/llm/providers/openai.js';
import { analyst, controlSample, gdFinding } from './support.js';

describe('provider settings', () => {
  it('picks the provider the environment is set up for, flags first', () => {
    expect(providerName({}, {})).toBe('bedrock');
    expect(providerName({}, { OPENAI_BASE_URL: 'http://localhost:11434/v1' })).toBe('openai');
    expect(providerName({}, { OPENAI_API_KEY: 'k', ANTHROPIC_API_KEY: 'a' })).toBe('anthropic');
    expect(providerName({ provider: 'bedrock' }, { ANTHROPIC_API_KEY: 'a' })).toBe('bedrock');
  });

  it('uses each provider\'s default model unless --model is given', async () => {
    expect((await createProvider({ provider: 'openai' }, { OPENAI_BASE_URL: 'http://localhost:1/v1' })).model).toBe('gpt-4o-mini');
    expect((await createProvider({ provider: 'anthropic', model: 'claude-sonnet-4-5' }, { ANTHROPIC_API_KEY: 'k' })).model).toBe('claude-sonnet-4-5');
    expect((await createProvider({ provider: 'bedrock' }, { AWS_REGION: 'us-west-2' })).model).toMatch(/claude-haiku/);
  });

  it('names the missing or malformed setting', async () => {
    await expect(createProvider({ provider: 'anthropic' }, {})).rejects.toThrow(LlmConfigError);
    await expect(createProvider({ provider: 'openai' }, {})).rejects.toThrow(/OPENAI_API_KEY, or OPENAI_BASE_URL/);
    await expect(createProvider({ provider: 'openai' }, { OPENAI_BASE_URL: 'localhost:11434' })).rejects.toThrow('OPENAI_BASE_URL "localhost:11434" is not an http(s) URL');
    await expect(createProvider({ provider: 'bedrock', endpoint: 'ftp://x' }, {})).rejects.toThrow('--endpoint "ftp://x" is not an http(s) URL');
  });
});

describe('cost', () => {
  it('knows list prices, takes overrides, and says null when it cannot know', () => {
    expect(priceOf('us.anthropic.claude-haiku-4-5-20251001-v1:0')).toEqual({ input: 1, output: 5 });
    expect(priceOf('amazon.nova-lite-v1:0')).toEqual({ input: 0.06, output: 0.24 });
    expect(priceOf('llama3.1:8b')).toBeUndefined();
    expect(costUsd({ input: 1, output: 5 }, 1_000, 200)).toBe(0.002);
    expect(costUsd(undefined, 1_000, 200)).toBeNull();
    expect(parsePrice('0.8,4')).toEqual({ input: 0.8, output: 4 });
    expect(() => parsePrice('cheap')).toThrow(/IN,OUT/);
  });
});

describe('analyst with a local server', () => {
  let server: ModelServer;
  let dir: string;
  beforeAll(async () => {
    server = await startModelServer({ protocol: 'openai' });
    dir = mkdtempSync(join(tmpdir(), 'firebreak-llm-cache-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const provider = (): OpenAiProvider => new OpenAiProvider({ model: 'claude-haiku-4-5', apiKey: 'none', baseURL: server.url });

  it('keeps answers on disk across runs and ignores a corrupt entry', async () => {
    server.requests.length = 0;
    const finding = gdFinding('Recon:EC2/Portscan');
    await analyst(provider(), { cache: new FileCache(dir) }).analyze(finding);
    const second = await analyst(provider(), { cache: new FileCache(dir) }).analyze(finding);
    expect(server.requests).toHaveLength(1);
    expect(second.usage?.cached).toBe(true);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file as string), '{"summary": 1}');
    const third = await analyst(provider(), { cache: new FileCache(dir) }).analyze(finding);
    expect(third.usage?.cached).toBe(false);
    expect(server.requests).toHaveLength(2);
  });

  it('estimates cost per analysis and sums it per run', async () => {
    const llm = analyst(provider());
    const a = await llm.analyze(gdFinding('Trojan:EC2/BlackholeTraffic'));
    const expected = ((a.usage?.inputTokens ?? 0) * 1 + (a.usage?.outputTokens ?? 0) * 5) / 1e6;
    expect(a.usage?.costUsd).toBeCloseTo(expected, 6);
    expect(llm.stats.costUsd).toBeCloseTo(expected, 6);
  });

  it('never accepts a disruptive action, or one on the root user, from a model', async () => {
    server.setResponder((ctx) => {
      const answer = simulatedModel(ctx.user);
      answer.actions = [
        { action: 'ec2:stop-instance', target: '<instanceId>', reason: 'stop it' },
        { action: 'iam:deactivate-access-key', target: '<accessKeyId>', reason: 'root key' },
      ];
      return { answer };
    });
    const ec2 = await analyst(provider()).analyze(gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS'));
    expect(ec2.actions).toEqual([]);
    expect(ec2.rejected?.[0]?.reason).toBe('policy: disruptive actions are not accepted from a model');
    const root = await analyst(provider()).analyze(
      gdFinding('Policy:IAMUser/RootCredentialUsage', {}, (d) => {
        d.resource.accessKeyDetails = { accessKeyId: 'AKIAROOTKEY000000001', principalId: '123456789012', userName: 'Root', userType: 'Root' };
      }),
    );
    expect(root.actions).toEqual([]);
    expect(root.rejected?.find((r) => r.action === 'iam:deactivate-access-key')?.reason).toBe('policy: the root user is handled by people, never by an action');
    server.setResponder((ctx) => ({ answer: simulatedModel(ctx.user) }));
  });

  it('in hybrid mode takes extra grounded actions only when the policy allows', async () => {
    server.setResponder((ctx) => {
      const answer = simulatedModel(ctx.user);
      answer.actions = [{ action: 'ec2:snapshot-instance-volumes', target: '<instanceId>', reason: 'keep evidence' }];
      return { answer };
    });
    const finding = gdFinding('UnauthorizedAccess:EC2/SSHBruteForce');
    const strict = await analyst(provider(), { mode: 'hybrid' }).analyze(finding);
    expect(strict.actions.map((a) => a.action)).not.toContain('ec2:snapshot-instance-volumes');
    expect(strict.rejected?.[0]?.reason).toBe('policy: in hybrid mode actions come from the playbook');
    const open = await analyst(provider(), { mode: 'hybrid', policy: { allowDisruptive: false, modelActionsInHybrid: true } }).analyze(finding);
    expect(open.actions.map((a) => a.action)).toContain('ec2:snapshot-instance-volumes');
    expect(server.requests.at(-1)?.user).toMatch(/^Actions: /m);
    server.setResponder((ctx) => ({ answer: simulatedModel(ctx.user) }));
  });

  it('explains a control finding with its IaC escaped and identifiers restored', async () => {
    server.setResponder((ctx) => {
      const answer = simulatedModel(ctx.user);
      answer.iac = { terraform: 'resource "aws_vpc_security_group_ingress_rule" "x" {\n  security_group_id = "<securityGroupIds>"\n}' };
      return { answer };
    });
    const finding = controlSample('EC2.18');
    const a = await analyst(provider()).analyze(finding);
    expect(a.iac?.terraform).toContain(`security_group_id = "${finding.resources[0]?.ids.securityGroupIds?.[0]}"`);
    server.setResponder((ctx) => ({ answer: simulatedModel(ctx.user) }));
  });
});
