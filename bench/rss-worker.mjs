// Triages one file exactly as `firebreak triage --format json` does, output discarded, and
// prints the run's time and peak resident memory as JSON.
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { runTriage } from '../dist/cli/triage.js';

const file = process.argv[2];
const devnull = createWriteStream('/dev/null');
const start = process.hrtime.bigint();
const status = await runTriage([file], { format: 'json' }, { stdin: Readable.from([]), stdout: devnull, stderr: process.stderr });
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
devnull.end();
process.stdout.write(JSON.stringify({ status, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024 }) + '\n');
