/**
 * An alert is recorded as sent only when it was sent; concurrent runs share one store; configured
 * secrets stay out of everything firebreak prints or writes. The built CLI against local webhook
 * receivers, with the SQLite state store.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from '../../bench/llm-server.mjs';
import { CLI, runCli, runCliAsync } from '../helpers/cli.js';
import { type Receiver, startReceiver } from '../notify/support.js';

const work = mkdtempSync(join(tmpdir(), 'firebreak-delivery-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const demo = runCli(['samples']).stdout;
/** Every GuardDuty type and Security Hub control the catalog knows: about 300 findings. */
const many = runCli(['samples', '--all']).stdout;

/** A configuration with one webhook channel at `url`, taking every severity, with or without de-duplication. */
function configure(name: string, url: string, dedupe = true): { dir: string; config: string } {
  const dir = mkdtempSync(join(work, `${name}-`));
  const config = join(dir, 'firebreak.yaml');
  writeFileSync(config, `channels:\n  siem:\n    type: webhook\n    url: ${url}\n    minSeverity: INFORMATIONAL\n${dedupe ? 'dedupe:\n  store: sqlite\n' : ''}`);
  return { dir, config };
}

/** How many messages a run on `input` would send: a preview writes one file per message (and records nothing). */
async function previewCount(config: string, input: string, extra: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<number> {
  const outbox = mkdtempSync(join(work, 'outbox-'));
  const r = await runCliAsync(['triage', '--config', config, '--notify', '--outbox', outbox, '--format', 'json', ...extra], input, env);
  expect(r.status).toBe(0);
  return readdirSync(join(outbox, 'siem')).length;
}

const jsonLines = (text: string): Record<string, any>[] => text.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, any>);
const deliveryIds = (hook: Receiver): string[] => hook.requests.map((r) => String(r.headers['x-firebreak-delivery']));

describe('an alert is recorded as sent only when it was sent', () => {
  it('a preview and a plain triage record no alert: the next --notify run delivers every finding, and the one after it none', async () => {
    const hook = await startReceiver();
    try {
      const { config } = configure('preview', `${hook.url}/in`);
      const previewed = await previewCount(config, demo);
      expect(previewed).toBeGreaterThan(5);
      const plain = await runCliAsync(['triage', '--config', config, '--format', 'json'], demo);
      expect(jsonLines(plain.stdout).every((l) => l.routing.dedupe.status === 'new' && l.routing.alert)).toBe(true);
      expect(hook.requests).toHaveLength(0);

      const sent = await runCliAsync(['triage', '--config', config, '--notify', '--format', 'json'], demo);
      expect(sent.status).toBe(0);
      expect(sent.stderr).toContain(`notifications: ${previewed} sent`);
      expect(hook.requests).toHaveLength(previewed);

      const again = await runCliAsync(['triage', '--config', config, '--notify', '--format', 'json'], demo);
      expect(again.status).toBe(0);
      expect(jsonLines(again.stdout).every((l) => l.routing.dedupe.status === 'repeat' && !l.routing.alert)).toBe(true);
      expect(hook.requests).toHaveLength(previewed);
    } finally {
      await hook.close();
    }
  });

  it('retries a failed message with the channel\'s current URL, lists and drops open deliveries, and never shows the URL', async () => {
    const hook = await startReceiver((req) => (req.path.startsWith('/old-') ? { status: 404, body: 'no such hook' } : { status: 200, body: 'ok' }));
    try {
      const { dir, config } = configure('retry', `${hook.url}/old-T0SECRET/B0SECRET`);
      const failed = await runCliAsync(['triage', '--config', config, '--notify', '--format', 'json'], demo);
      expect(failed.status).toBe(1);
      const attempts = hook.requests.length;
      expect(attempts).toBeGreaterThan(5);
      expect(failed.stderr).toMatch(/failed +siem alert default [0-9a-f]{12}: webhook answered 404: no such hook/);

      const listing = runCli(['deliveries', '--config', config, '--format', 'json']);
      expect(listing.status).toBe(0);
      const open = jsonLines(listing.stdout);
      expect(open).toHaveLength(attempts);
      expect(open.every((d) => d.status === 'failed' && d.channel === 'siem' && d.recipient === 'default' && d.rendered === undefined)).toBe(true);
      expect(listing.stderr).toContain(`${attempts} failed, 0 sending, 0 queued`);
      const text = runCli(['deliveries', '--config', config]);
      expect(text.stdout).toContain(`key ${open[0]?.key}`);

      // Drop one; an unknown key is an error and drops nothing.
      expect(runCli(['deliveries', '--config', config, '--drop', String(open[0]?.key)]).stdout).toContain(`dropped ${open[0]?.key}`);
      const unknown = runCli(['deliveries', '--config', config, '--drop', 'msg|nope']);
      expect(unknown.status).toBe(2);
      expect(unknown.stderr).toContain('no delivery with key "msg|nope"');
      expect(jsonLines(runCli(['deliveries', '--config', config, '--format', 'json']).stdout)).toHaveLength(attempts - 1);

      // The URL is corrected: the next run (even with no input) sends the kept messages there, once.
      writeFileSync(config, readFileSync(config, 'utf8').replace('/old-T0SECRET/B0SECRET', '/new'));
      const retried = await runCliAsync(['notify', '--config', config, '--format', 'json'], '');
      expect(retried.status).toBe(0);
      const fresh = hook.requests.slice(attempts);
      expect(fresh).toHaveLength(attempts - 1);
      expect(fresh.every((r) => r.path === '/new')).toBe(true);
      expect(new Set(fresh.map((r) => r.headers['x-firebreak-delivery'])).size).toBe(attempts - 1);
      expect(runCli(['deliveries', '--config', config, '--format', 'json']).stdout).toBe('');

      // The findings count as told (their failures were kept): a new run sends nothing more.
      await runCliAsync(['triage', '--config', config, '--notify', '--format', 'json'], demo);
      expect(hook.requests).toHaveLength(2 * attempts - 1);

      const everything = [failed, listing, text, retried].map((r) => r.stdout + r.stderr).join('\n') + readFileSync(join(dir, '.firebreak', 'firebreak.sqlite')).toString('latin1');
      expect(everything).not.toContain('T0SECRET');
    } finally {
      await hook.close();
    }
  });
});

/** Starts the CLI and kills it with SIGKILL once `hook` has received `after` requests. */
function killAfter(args: string[], input: string, env: NodeJS.ProcessEnv, hook: Receiver, after: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'ignore', 'ignore'] });
    const deadline = Date.now() + 60_000;
    const poll = setInterval(() => {
      if (hook.requests.length >= after || Date.now() > deadline) child.kill('SIGKILL');
    }, 5);
    child.on('error', reject);
    // The child may die before it has read all of its input.
    child.stdin.on('error', () => {});
    child.on('close', () => {
      clearInterval(poll);
      resolve();
    });
    child.stdin.end(input);
  });
}

describe('crashes and concurrent runs', () => {
  it('after two SIGKILLs during a model-analyst run, the next run delivers every finding not yet delivered, once', async () => {
    const model: ModelServer = await startModelServer({ protocol: 'openai' });
    const hook = await startReceiver(undefined, 15);
    try {
      const { config } = configure('kill', `${hook.url}/in`);
      const env = { OPENAI_BASE_URL: model.url, ANTHROPIC_API_KEY: '' };
      const args = ['triage', '--config', config, '--notify', '--format', 'json', '--analyst', 'llm', '--llm-concurrency', '4'];
      const expected = await previewCount(config, many, ['--analyst', 'llm'], env);
      expect(expected).toBeGreaterThan(250);

      await killAfter(args, many, env, hook, Math.floor(expected / 3));
      const afterFirst = hook.requests.length;
      expect(afterFirst).toBeLessThan(expected);
      await killAfter(args, many, env, hook, Math.floor((2 * expected) / 3));
      expect(hook.requests.length).toBeLessThan(expected);
      const last = await runCliAsync(args, many, env);
      expect(last.status).toBe(0);

      const ids = deliveryIds(hook);
      // Every finding delivered; a message cut off by a kill is sent again with the same delivery
      // id (receivers dedupe on it), so at most one extra request per kill.
      expect(new Set(ids).size).toBe(expected);
      expect(ids.length - expected).toBeLessThanOrEqual(2);
    } finally {
      await hook.close();
      await model.close();
    }
  }, 90_000); // three CLI runs over 521 messages against a 15 ms receiver: about 26 s alone, more beside the rest of the suite

  it.each([
    ['with de-duplication', true],
    ['with no de-duplication (the shared ledger alone)', false],
  ])('two runs at once on one store (%s) deliver each finding once and neither fails', async (_name, dedupe) => {
    const hook = await startReceiver(undefined, 1);
    try {
      const { config } = configure(dedupe ? 'pair' : 'pair-ledger', `${hook.url}/in`, dedupe);
      const args = ['triage', '--config', config, '--notify', '--format', 'json'];
      const expected = await previewCount(config, many);
      expect(expected).toBeGreaterThan(250);
      const [a, b] = await Promise.all([runCliAsync(args, many), runCliAsync(args, many)]);
      for (const r of [a, b]) {
        expect(r.stderr).not.toMatch(/locked|StoreBusy|Error:/);
        expect(r.status).toBe(0);
      }
      const ids = deliveryIds(hook);
      expect(new Set(ids).size).toBe(expected);
      expect(ids).toHaveLength(expected);
    } finally {
      await hook.close();
    }
  });
});
