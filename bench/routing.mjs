// `npm run bench:routing`: N routes (a realistic mix of the pattern operators) against generated
// finding events. Measures, in the same run and on the same parsed events, the compiled engine
// (all patterns in one PatternMachine) and the naive engine (each pattern evaluated in turn), and
// checks that both give the same answer for every event. Then adversarial cases, each under 1 s.
// Options: --count N events (default 100000), --routes "1,100,1000" (route counts to measure).
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PatternMachine, compilePattern, matchesPattern } from '../dist/routing/pattern/index.js';
import { generate } from './generate.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const count = Number(arg('--count', '100000'));
const routeCounts = arg('--routes', '1,100,1000').split(',').map(Number);

let seed = 42;
const rnd = (n) => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed % n;
};
const pick = (list) => list[rnd(list.length)];

const GD_PREFIXES = ['UnauthorizedAccess:', 'CryptoCurrency:', 'Backdoor:', 'Recon:', 'Trojan:', 'Policy:', 'Discovery:', 'Impact:'];
const LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'];
const account = (i) => String(100000000000 + (i % 60));

/** Route i: one of the shapes users write for security findings, with its own values. */
function route(i) {
  switch (i % 12) {
    case 0:
      return { source: ['aws.guardduty'], account: [account(i)], detail: { severity: [{ numeric: ['>=', 1 + (i % 8)] }] } };
    case 1:
      return { source: ['aws.guardduty'], account: [account(i)], detail: { type: [{ prefix: pick(GD_PREFIXES) }], severity: [{ numeric: ['>', 2, '<=', 4 + (i % 5)] }] } };
    case 2:
      return { source: ['aws.securityhub'], account: [account(i)], detail: { findings: { Severity: { Label: [pick(LABELS), pick(LABELS)] }, Workflow: { Status: ['NEW'] } } } };
    case 3:
      return { account: [account(i), account(i + 7)], region: [pick(REGIONS)] };
    case 4:
      return { detail: { findings: { Compliance: { SecurityControlId: [pick(['EC2.18', 'S3.8', 'EC2.7', 'CloudTrail.2', 'IAM.6', 'Lambda.1'])] } } }, account: [{ 'anything-but': [account(i), account(i + 1)] }] };
    case 5:
      return { account: [account(i)], detail: { type: [{ suffix: pick(['!DNS', 'BruteForce', 'Exfiltration', '.B']) }] }, region: [{ 'anything-but': { prefix: pick(['ap-', 'eu-']) } }] };
    case 6:
      return { source: [{ prefix: 'aws.' }], account: [account(i), account(i + 30)], $or: [{ detail: { severity: [{ numeric: ['>=', 7 + (i % 2)] }] } }, { detail: { findings: { Severity: { Label: ['CRITICAL'] } } } }] };
    case 7:
      return { detail: { service: { action: { networkConnectionAction: { remoteIpDetails: { ipAddressV4: [{ cidr: `198.51.${100 + (i % 3)}.0/24` }] } } } } } };
    case 8:
      return { detail: { findings: { Resources: { Id: [{ wildcard: `arn:aws:*:*:${account(i)}:*` }] } } } };
    case 9:
      return { detail: { findings: { Compliance: { Status: [{ 'equals-ignore-case': 'failed' }] }, AwsAccountId: [account(i)] } }, region: [REGIONS[i % 4]] };
    case 10:
      return { source: ['aws.guardduty'], detail: { service: { archived: [false] }, resource: { resourceType: [pick(['Instance', 'AccessKey', 'S3Bucket'])] }, accountId: [account(i)] } };
    default:
      return { 'detail-type': [pick(['GuardDuty Finding', 'Security Hub Findings - Imported', 'Inspector2 Finding', 'Macie Finding'])], account: [account(i)], time: [{ prefix: '2026-01' }] };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-routing-'));
const BATCH = 2_000;
try {
  const file = join(dir, 'events.jsonl');
  const gen = await generate(file, { count });
  console.log(`generated ${gen.lines.toLocaleString()} events (${(gen.bytes / 1e6).toFixed(1)} MB, mixed sources) in ${dir}`);
  const all = Array.from({ length: Math.max(...routeCounts) }, (_, i) => [`route-${String(i).padStart(4, '0')}`, compilePattern(JSON.stringify(route(i)))]);

  for (const n of routeCounts) {
    const routes = all.slice(0, n);
    const machine = new PatternMachine(routes);
    let compiledSeconds = 0;
    let naiveSeconds = 0;
    let events = 0;
    let matches = 0;
    let mismatches = 0;
    const measure = (batch) => {
      let t = process.hrtime.bigint();
      const fast = batch.map((e) => machine.match(e));
      compiledSeconds += Number(process.hrtime.bigint() - t) / 1e9;
      t = process.hrtime.bigint();
      const slow = batch.map((e) => routes.filter(([, p]) => matchesPattern(p, e)).map(([name]) => name));
      naiveSeconds += Number(process.hrtime.bigint() - t) / 1e9;
      for (let k = 0; k < batch.length; k += 1) {
        matches += fast[k].length;
        if (fast[k].join() !== slow[k].join()) mismatches += 1;
      }
      events += batch.length;
    };
    // Events are read and parsed in batches (parsing is not timed), so memory stays bounded.
    let batch = [];
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      if (line === '') continue;
      batch.push(JSON.parse(line));
      if (batch.length === BATCH) {
        measure(batch);
        batch = [];
      }
    }
    if (batch.length > 0) measure(batch);
    const fast = events / compiledSeconds;
    const slow = events / naiveSeconds;
    const ratio = fast / slow;
    const target = n >= 1000 ? 10 : n === 1 ? 1 : undefined;
    const verdict = target === undefined ? '' : ` (target >= ${target}) ${ratio >= target * 0.98 ? 'PASS' : 'FAIL'}`;
    if ((target !== undefined && ratio < target * 0.98) || mismatches > 0) process.exitCode = 1;
    console.log(`${String(n).padStart(5)} routes: compiled ${fast.toFixed(0).padStart(8)} events/s, naive ${slow.toFixed(0).padStart(8)} events/s, ratio ${ratio.toFixed(2)}${verdict}; ${matches.toLocaleString()} matches, ${mismatches} disagreements`);
  }

  // Adversarial cases: values an attacker controls (a finding's title, its tags) against patterns
  // that a backtracking matcher or a pairwise array check would take seconds to minutes on.
  console.log('adversarial cases (each must answer in under 1 s, on the machine and on the single-pattern evaluator):');
  const long = 'a'.repeat(10_000);
  const tags = [...Array.from({ length: 20_000 }, (_, i) => ({ key: 'env', value: `v${i}` })), ...Array.from({ length: 20_000 }, (_, i) => ({ key: `k${i}`, value: 'prod' }))];
  const cases = [
    ['wildcard *a*a*a*a*a*a*b, 10,000-char title', { detail: { title: [{ wildcard: '*a*a*a*a*a*a*b' }] } }, { detail: { title: long } }, false],
    ['wildcard, 10,000-char title that matches', { detail: { title: [{ wildcard: '*a*a*a*a*a*a*b' }] } }, { detail: { title: `${long}b` } }, true],
    ['anything-but wildcard, 10,000 chars', { detail: { title: [{ 'anything-but': { wildcard: '*a*a*a*a*a*a*b' } }] } }, { detail: { title: long } }, true],
    ['wildcard with long parts, 10,000 chars', { detail: { title: [{ wildcard: `*${'a'.repeat(100)}b*${'a'.repeat(100)}c` }] } }, { detail: { title: long } }, false],
    ['prefix and suffix, 10,000 chars', { detail: { title: [{ prefix: long.slice(0, 5_000) }, { suffix: `${long.slice(0, 5_000)}b` }] } }, { detail: { title: long } }, true],
    ['equals-ignore-case, 10,000 chars', { detail: { title: [{ 'equals-ignore-case': long.toUpperCase() }] } }, { detail: { title: long } }, true],
    ['array-consistent, 20,000 + 20,000 tags, no element fits', { detail: { tags: { key: ['env'], value: ['prod'] } } }, { detail: { tags } }, false],
    ['array-consistent, 40,000 tags, the last fits', { detail: { tags: { key: ['env'], value: ['prod'] } } }, { detail: { tags: [...tags, { key: 'env', value: 'prod' }] } }, true],
    ['three fields over nested arrays, 40,000 elements', { detail: { r: { tags: { key: ['env'], value: ['prod'] }, type: ['x'] } } }, { detail: { r: [{ type: 'y', tags }, { type: 'x', tags: tags.slice(0, 100) }] } }, false],
  ];
  for (const [name, pattern, event, expected] of cases) {
    const compiled = compilePattern(JSON.stringify(pattern));
    const machine = new PatternMachine([['p', compiled]]);
    // The machine tests one to four sub-rules directly; a fifth copy makes it use its shared index too.
    const shared = new PatternMachine([1, 2, 3, 4, 5].map((k) => [`p${k}`, compiled]));
    let t = process.hrtime.bigint();
    const a = matchesPattern(compiled, event);
    const single = Number(process.hrtime.bigint() - t) / 1e9;
    t = process.hrtime.bigint();
    const b = machine.match(event).length === 1;
    const direct = Number(process.hrtime.bigint() - t) / 1e9;
    t = process.hrtime.bigint();
    const c = shared.match(event).length === 5;
    const indexed = Number(process.hrtime.bigint() - t) / 1e9;
    const worst = Math.max(single, direct, indexed);
    const ok = a === expected && b === expected && c === expected && worst < 1;
    if (!ok) process.exitCode = 1;
    console.log(`  ${name.padEnd(58)} ${(single * 1000).toFixed(1).padStart(7)} ms single, ${(direct * 1000).toFixed(1).padStart(7)} ms direct, ${(indexed * 1000).toFixed(1).padStart(7)} ms indexed; ${a === expected && b === expected && c === expected ? 'right answer' : 'WRONG ANSWER'} ${ok ? 'PASS' : 'FAIL'}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
