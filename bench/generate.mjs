// Writes a JSON Lines file of realistic, mixed-source finding events to a path, streaming.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import {
  configEvent, controlFinding, guardDutyEvent, inspectorEvent, macieEvent, ocsfEvent, securityHubEvent,
} from '../dist/findings/samples.js';

const GD_TYPES = [
  'CryptoCurrency:EC2/BitcoinTool.B!DNS', 'UnauthorizedAccess:EC2/SSHBruteForce', 'Backdoor:EC2/C&CActivity.B',
  'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', 'Policy:S3/BucketBlockPublicAccessDisabled',
  'Recon:EC2/PortProbeUnprotectedPort', 'Discovery:S3/MaliciousIPCaller', 'Trojan:EC2/DNSDataExfiltration',
];
const CONTROLS = ['EC2.18', 'S3.8', 'EC2.7', 'CloudTrail.2', 'IAM.6', 'Lambda.1'];

/** A pool of distinct event lines (different resources and ids), cycled to reach the wanted count. */
export function eventPool(size = 1000) {
  const now = new Date('2026-01-01T00:00:00Z');
  const pool = [];
  for (let i = 0; pool.length < size; i += 1) {
    const o = { variant: i, now, account: String(100000000000 + (i % 50)), region: ['us-east-1', 'eu-west-1', 'ap-southeast-2'][i % 3] };
    const k = i % 10;
    let e;
    if (k < 5) e = guardDutyEvent(GD_TYPES[i % GD_TYPES.length], o);
    else if (k < 7) e = securityHubEvent([controlFinding(CONTROLS[i % CONTROLS.length], o)], o);
    else if (k === 7) e = inspectorEvent(o);
    else if (k === 8) e = macieEvent(o);
    else e = i % 20 === 9 ? configEvent(o) : ocsfEvent('IAM.6', o);
    pool.push(JSON.stringify(e));
  }
  return pool;
}

/** Streams `count` lines (or until `bytes` is reached) to `path`; resolves to {lines, bytes}. */
export async function generate(path, { count = Infinity, bytes = Infinity } = {}) {
  const pool = eventPool();
  const out = createWriteStream(path);
  let lines = 0;
  let written = 0;
  let batch = [];
  while (lines < count && written < bytes) {
    const line = pool[lines % pool.length];
    batch.push(line);
    written += line.length + 1;
    lines += 1;
    if (batch.length === 500) {
      if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain');
      batch = [];
    }
  }
  if (batch.length > 0) out.write(`${batch.join('\n')}\n`);
  out.end();
  await once(out, 'finish');
  return { lines, bytes: written };
}
