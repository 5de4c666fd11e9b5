// `npm run bench`: normalize -> fingerprint -> playbook analysis -> JSON output (encoded to UTF-8, as written) over generated
// findings, against a bare JSON.parse + JSON.stringify pass over the same bytes in the same run.
// Options: --count N (default 100000), --big-gb G (also triage a G GB JSON Lines file in a child
// process and report its peak RSS; default 0 = skip).
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PlaybookAnalyst } from '../dist/analysis/playbooks/analyst.js';
import { jsonLine } from '../dist/cli/format/json.js';
import { readInputs } from '../dist/findings/read.js';
import { triage } from '../dist/pipeline.js';
import { generate } from './generate.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const count = arg('--count', 100_000);
const bigGb = arg('--big-gb', 0);
const dir = mkdtempSync(join(tmpdir(), 'firebreak-bench-'));

try {
  const file = join(dir, 'findings.jsonl');
  const gen = await generate(file, { count });
  console.log(`generated ${gen.lines.toLocaleString()} events (${(gen.bytes / 1e6).toFixed(1)} MB, mixed sources) in ${dir}`);

  async function baseline() {
    const start = process.hrtime.bigint();
    let n = 0;
    let out = 0;
    const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    for await (const line of rl) {
      if (line === '') continue;
      out += Buffer.byteLength(JSON.stringify(JSON.parse(line)));
      n += 1;
    }
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, records: n, out };
  }

  async function firebreak() {
    const analyst = new PlaybookAnalyst();
    const stats = { records: 0, findings: 0, rejected: 0 };
    const start = process.hrtime.bigint();
    let out = 0;
    for await (const r of triage(readInputs([file], process.stdin), analyst, stats)) out += Buffer.byteLength(jsonLine(r)) + 1;
    return { seconds: Number(process.hrtime.bigint() - start) / 1e9, records: stats.records, findings: stats.findings, rejected: stats.rejected, out };
  }

  // Warm up both paths once on the same file, then measure them in alternation (so that a slow
  // spell of a shared machine falls on both) three times each, and keep each one's best.
  await baseline();
  await firebreak();
  const bs = [];
  const fs = [];
  for (let round = 0; round < 3; round += 1) {
    bs.push(await baseline());
    fs.push(await firebreak());
  }
  const b = bs.sort((x, y) => x.seconds - y.seconds)[0];
  const f = fs.sort((x, y) => x.seconds - y.seconds)[0];
  const ratio = (f.findings / f.seconds) / (b.records / b.seconds);
  console.log(`baseline JSON.parse+stringify: ${(b.records / b.seconds).toFixed(0)} records/s (${b.seconds.toFixed(2)} s)`);
  console.log(`firebreak triage pipeline:    ${(f.findings / f.seconds).toFixed(0)} findings/s (${f.seconds.toFixed(2)} s, ${f.findings} findings, ${f.rejected} rejected)`);
  console.log(`ratio firebreak/baseline:      ${ratio.toFixed(3)} (target >= 0.25) ${ratio >= 0.25 ? 'PASS' : 'FAIL'}`);
  if (ratio < 0.25) process.exitCode = 1;
  console.log(`peak RSS of this process:      ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);

  if (bigGb > 0) {
    const big = join(dir, 'big.jsonl');
    const g = await generate(big, { bytes: bigGb * 1024 ** 3 });
    console.log(`generated ${(statSync(big).size / 1024 ** 3).toFixed(2)} GB (${g.lines.toLocaleString()} events); triaging it in a child process...`);
    const worker = fileURLToPath(new URL('./rss-worker.mjs', import.meta.url));
    const res = JSON.parse(execFileSync(process.execPath, [worker, big], { encoding: 'utf8', maxBuffer: 1024 * 1024 }));
    console.log(`1 GB-class file: ${res.seconds.toFixed(1)} s, exit ${res.status}, peak RSS ${res.maxRssMB.toFixed(0)} MB (target < 300 MB) ${res.maxRssMB < 300 ? 'PASS' : 'FAIL'}`);
    if (res.maxRssMB >= 300) process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
