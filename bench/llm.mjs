// `npm run bench:llm`: model calls and prompt tokens of firebreak's LLM analyst against the naive
// design (one call per finding with the full finding JSON), over the same realistic stream of
// findings, against the same local model server, counted with the same tokenizer (o200k_base).
// The stable part of firebreak's prompt (system prompt and tool schema) is marked for the prompt
// cache, as the providers cache it (prefixes of 1,024 tokens or more); prompt tokens per call are
// reported raw (the full schema counted on every call) and billed (cache reads at 0.1x and writes
// at 1.25x the input price, as Anthropic and Bedrock charge them), and the target is on billed.
// Options: --count N (default 10000), --mode llm|hybrid (default: both).
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { LlmAnalyst } from '../dist/analysis/llm/analyst.js';
import { AnthropicProvider } from '../dist/analysis/llm/providers/anthropic.js';
import { readInputs } from '../dist/findings/read.js';
import { controlFinding, guardDutyEvent, securityHubEvent } from '../dist/findings/samples.js';
import { triage } from '../dist/pipeline.js';
import { simulatedModel, startModelServer } from './llm-server.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const count = Number(arg('--count', '10000'));
const modes = arg('--mode', 'llm,hybrid').split(',');

const enc = new Tiktoken(o200k);
const countTokens = (text) => (text === '' ? 0 : enc.encode(text).length);

// The naive design's prompt: the original sample's instructions, then the whole event as Python's
// json.dumps writes it (", " and ": " separators), because its Lambda is Python.
const NAIVE_INSTRUCTIONS =
  'You are an AWS security expert. Below is an Amazon GuardDuty or AWS Security Hub finding in JSON. ' +
  'Write an email to the account owner: a subject line, a greeting, a plain-language summary of the finding, ' +
  'and troubleshooting steps to investigate and remediate it. Sign it "Your Friendly Troubleshooter".\n\nFinding:\n';
const pyDumps = (v) => JSON.stringify(v).replace(/","/g, '", "').replace(/":/g, '": ').replace(/,\{/g, ', {').replace(/,\[/g, ', [');

// A realistic stream: GuardDuty keeps publishing updates of the same few findings (same type, same
// resource; new count, times, and for network findings new remote addresses), and Security Hub
// re-evaluates the same failing controls on the same resources.
const THREATS = [
  ['UnauthorizedAccess:EC2/SSHBruteForce', 4],
  ['Recon:EC2/PortProbeUnprotectedPort', 4],
  ['CryptoCurrency:EC2/BitcoinTool.B!DNS', 2],
  ['Backdoor:EC2/C&CActivity.B!DNS', 1],
  ['UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', 1],
  ['Recon:IAMUser/MaliciousIPCaller', 2],
  ['Policy:S3/BucketBlockPublicAccessDisabled', 2],
  ['Discovery:S3/MaliciousIPCaller', 1],
  ['UnauthorizedAccess:EC2/RDPBruteForce', 2],
  ['Trojan:EC2/DNSDataExfiltration', 1],
];
const CONTROLS = [['EC2.18', 3], ['S3.8', 3], ['EC2.7', 1], ['CloudTrail.2', 1], ['IAM.6', 1], ['EC2.19', 2], ['S3.1', 1]];
const ACCOUNTS = ['123456789012', '210987654321'];
const REGIONS = ['us-east-1', 'eu-west-1'];

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function incidents() {
  const out = [];
  for (const [type, resources] of THREATS) for (let v = 0; v < resources; v += 1) out.push({ kind: 'gd', type, opts: { variant: v, account: ACCOUNTS[v % 2], region: REGIONS[(v >> 1) % 2] } });
  for (const [control, resources] of CONTROLS) for (let v = 0; v < resources; v += 1) out.push({ kind: 'sh', control, opts: { variant: v, account: ACCOUNTS[v % 2], region: REGIONS[0] } });
  return out;
}

const PLACES = [['Netherlands', 'Example Hosting'], ['Brazil', 'Example Telecom'], ['Viet Nam', 'Example Cloud'], ['United States', 'Example ISP'], ['Germany', 'Example Datacenter']];

/** A new attacker: address, country and network of every remote party in the finding. */
function newAttacker(value, ip, [country, org]) {
  if (Array.isArray(value)) value.forEach((v) => newAttacker(v, ip, [country, org]));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'ipAddressV4' && typeof v === 'string' && v.startsWith('198.51.100.')) value[k] = ip;
      else if (k === 'country' && v !== null && typeof v === 'object') value[k] = { ...v, countryName: country };
      else if (k === 'organization' && v !== null && typeof v === 'object') value[k] = { ...v, org, asnOrg: org, isp: org };
      else newAttacker(v, ip, [country, org]);
    }
  }
}

async function generate(file) {
  const list = incidents();
  // Zipf-like: a few incidents produce most of the updates.
  const weights = list.map((_, i) => 1 / (i + 1) ** 0.9);
  const total = weights.reduce((a, b) => a + b, 0);
  const random = rng(7);
  const out = createWriteStream(file);
  const seen = new Map();
  for (let n = 0; n < count; n += 1) {
    let r = random() * total;
    let i = 0;
    while (r > weights[i] && i < list.length - 1) r -= weights[i++];
    const inc = list[i];
    const c = (seen.get(i) ?? 0) + 1;
    seen.set(i, c);
    const at = new Date(Date.parse('2026-11-01T00:00:00Z') + n * 60_000).toISOString();
    let event;
    if (inc.kind === 'gd') {
      event = guardDutyEvent(inc.type, { ...inc.opts, now: new Date(at) });
      event.detail.service.count = c;
      event.detail.updatedAt = at;
      if (event.detail.service.action?.networkConnectionAction !== undefined || event.detail.service.action?.portProbeAction !== undefined || event.detail.service.action?.awsApiCallAction !== undefined) {
        newAttacker(event.detail, `203.0.113.${Math.floor(random() * 250) + 2}`, PLACES[Math.floor(random() * PLACES.length)]);
      }
    } else {
      const f = controlFinding(inc.control, { ...inc.opts, now: new Date(at) });
      f.UpdatedAt = at;
      event = securityHubEvent([f], { ...inc.opts, now: new Date(at) });
    }
    event.id = `${n.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`;
    if (!out.write(`${JSON.stringify(event)}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return list.length;
}

const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-llm-'));
// The naive design gets a free-text e-mail back; firebreak gets the tool call.
const server = await startModelServer({
  protocol: 'openai',
  countTokens,
  respond: (ctx) => (ctx.toolName === undefined ? { text: 'Subject: Security finding\n\nHello,\n\n...\n\nYour Friendly Troubleshooter' } : { answer: simulatedModel(ctx.user) }),
});
// firebreak talks to a Claude-compatible server, which marks cache reads and writes.
const claude = await startModelServer({ protocol: 'anthropic', countTokens });
try {
  const file = join(dir, 'stream.jsonl');
  const kinds = await generate(file);
  console.log(`generated ${count.toLocaleString()} findings from ${kinds} recurring incidents in ${dir}`);

  // firebreak, in each mode
  const results = [];
  for (const mode of modes) {
    const provider = new AnthropicProvider({ model: 'local-model', apiKey: 'none', baseURL: claude.url });
    const analyst = new LlmAnalyst({ provider, mode, concurrency: 4 });
    const start = process.hrtime.bigint();
    let analysed = 0;
    for await (const r of triage(readInputs([file], process.stdin), analyst, undefined, analyst.concurrency * 2)) if (r.kind === 'finding') analysed += 1;
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    const requests = claude.requests.splice(0);
    const sum = (f) => requests.reduce((a, r) => a + f(r), 0);
    const billed = sum((r) => r.inputTokens - r.cachedTokens - r.cacheWriteTokens + 0.1 * r.cachedTokens + 1.25 * r.cacheWriteTokens);
    results.push({ mode, analysed, stats: analyst.stats, seconds, calls: requests.length, tokens: sum((r) => r.inputTokens), cached: sum((r) => r.cachedTokens), billed });
  }

  // naive: one call per finding with the whole event
  const naiveProvider = { calls: 0, tokens: 0 };
  const start = process.hrtime.bigint();
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const inflight = new Set();
  for await (const line of rl) {
    if (line === '') continue;
    const body = JSON.stringify({ model: 'local-model', messages: [{ role: 'user', content: NAIVE_INSTRUCTIONS + pyDumps(JSON.parse(line)) }] });
    const p = fetch(`${server.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then((res) => res.arrayBuffer());
    inflight.add(p);
    p.finally(() => inflight.delete(p));
    if (inflight.size >= 8) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const naiveSeconds = Number(process.hrtime.bigint() - start) / 1e9;
  const naiveRequests = server.requests.splice(0);
  naiveProvider.calls = naiveRequests.length;
  naiveProvider.tokens = naiveRequests.reduce((a, r) => a + r.inputTokens, 0);

  const perCall = (x) => x.tokens / Math.max(1, x.calls);
  console.log(`naive:           ${naiveProvider.calls} calls, ${naiveProvider.tokens.toLocaleString()} prompt tokens (${perCall(naiveProvider).toFixed(0)} per call), ${naiveSeconds.toFixed(1)} s`);
  for (const r of results) {
    const callRatio = r.calls / naiveProvider.calls;
    const rawRatio = perCall(r) / perCall(naiveProvider);
    const tokenRatio = r.billed / Math.max(1, r.calls) / perCall(naiveProvider);
    console.log(`firebreak ${r.mode.padEnd(6)}: ${r.calls} calls, ${r.tokens.toLocaleString()} prompt tokens (${perCall(r).toFixed(0)} per call, ${(r.cached / Math.max(1, r.calls)).toFixed(0)} of them from the prompt cache), ${r.seconds.toFixed(1)} s; ${r.analysed.toLocaleString()} findings, ${r.stats.cacheHits.toLocaleString()} from the answer cache, ${r.stats.fallbacks} fallbacks, ${r.stats.repairs} repairs`);
    console.log(`  calls ${(callRatio * 100).toFixed(2)}% of naive (target <= 10%): ${callRatio <= 0.1 ? 'PASS' : 'FAIL'}`);
    console.log(`  prompt tokens per call, raw (full schema every call) ${(rawRatio * 100).toFixed(1)}% of naive`);
    console.log(`  prompt tokens per call, billed (cache reads 0.1x, writes 1.25x) ${(tokenRatio * 100).toFixed(1)}% of naive (target <= 40%): ${tokenRatio <= 0.4 ? 'PASS' : 'FAIL'}`);
    console.log(`  total prompt tokens ${((r.tokens / naiveProvider.tokens) * 100).toFixed(2)}% of naive`);
    if (callRatio > 0.1 || tokenRatio > 0.4) process.exitCode = 1;
  }
} finally {
  await claude.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
