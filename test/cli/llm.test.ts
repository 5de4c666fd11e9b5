/** `firebreak triage --analyst llm|hybrid` end to end: the built CLI against a local model server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../../bench/llm-server.mjs';
import { guardDutyEvent } from '../../src/findings/samples.js';
import { runCliAsync } from '../helpers/cli.js';

describe('triage with a model', () => {
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ protocol: 'openai' });
  });
  afterAll(() => server.close());

  const input = [
    guardDutyEvent('UnauthorizedAccess:EC2/SSHBruteForce', { variant: 1 }),
    guardDutyEvent('UnauthorizedAccess:EC2/SSHBruteForce', { variant: 2 }),
    { not: 'a finding' },
  ]
    .map((e) => JSON.stringify(e))
    .join('\n');

  it('adds model, usage, fallback and rejected to each JSON line and sums the run on stderr', async () => {
    server.requests.length = 0;
    const run = await runCliAsync(['triage', '--format', 'json', '--analyst', 'llm', '--model', 'llama3.1:8b'], input, { OPENAI_BASE_URL: server.url, ANTHROPIC_API_KEY: '' });
    expect(run.status).toBe(2);
    const lines = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(3);
    const [a, b, err] = lines;
    expect(a.analysis).toMatchObject({ analyst: 'llm', model: 'llama3.1:8b', fallback: null, rejected: [], usage: { cached: false } });
    expect(a.analysis.usage.inputTokens).toBeGreaterThan(0);
    expect(b.analysis.usage).toMatchObject({ cached: true, inputTokens: 0, outputTokens: 0 });
    expect(b.analysis.actions[0].target).toBe(b.finding.resources[0].ids.instanceId);
    expect(err.error.code).toBe('UnsupportedRecord');
    expect(server.requests).toHaveLength(1);
    expect(run.stderr).toMatch(/llama3\.1:8b: 2 analyses, 1 model call\(s\), 1 from cache/);
  });

  it('hybrid mode keeps the playbook id, its steps and its actions', async () => {
    const run = await runCliAsync(['triage', '--format', 'json', '--analyst', 'hybrid', '--provider', 'openai', '--endpoint', server.url], input, { OPENAI_API_KEY: 'sk-local' });
    const first = JSON.parse(run.stdout.split('\n')[0] as string);
    expect(first.analysis.analyst).toBe('hybrid');
    expect(first.analysis.playbookId).toBe('ec2-ssh-brute-force');
    expect(first.analysis.steps.length).toBeGreaterThan(2);
    expect(first.analysis.actions.map((x: { action: string }) => x.action)).toContain('ec2:block-ip-nacl');
  });

  it('falls back to playbooks, saying why, when the provider is unreachable', async () => {
    const run = await runCliAsync(['triage', '--format', 'json', '--analyst', 'llm', '--provider', 'openai', '--llm-timeout', '2'], input, { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    const first = JSON.parse(run.stdout.split('\n')[0] as string);
    expect(first.analysis.analyst).toBe('playbook');
    expect(first.analysis.playbookId).toBe('ec2-ssh-brute-force');
    expect(first.analysis.fallback).toMatch(/^provider error: openai/);
    expect(run.stderr).toMatch(/2 fallback\(s\) to playbooks/);
  });

  it('refuses a provider that cannot work, naming what is missing', async () => {
    const run = await runCliAsync(['triage', '--analyst', 'llm', '--provider', 'anthropic'], input, { ANTHROPIC_API_KEY: '' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the anthropic provider needs ANTHROPIC_API_KEY');
    const bad = await runCliAsync(['triage', '--analyst', 'llm', '--redact', 'email,ssn'], input, { OPENAI_BASE_URL: server.url });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--redact "ssn"');
  });
});

describe('triage --style', () => {
  it('prints e-mail drafts, and refuses a style with a format that has one layout', async () => {
    const input = JSON.stringify(guardDutyEvent('Recon:EC2/Portscan'));
    const run = await runCliAsync(['triage', '--style', 'email-draft'], input);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Subject: \[firebreak\] MEDIUM: /);
    expect(run.stdout).toContain('Your Friendly Troubleshooter');
    const bad = await runCliAsync(['triage', '--style', 'slack', '--format', 'json'], input);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('--style slack applies to --format text');
  });
});
