/** Test support: a local HTTP receiver with scripted answers, and findings with analyses. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import type { Analysis } from '../../src/analysis/types.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { guardDutyEvent, type SampleOptions } from '../../src/findings/samples.js';
import type { Clock } from '../../src/util/resilience.js';

/** One request the receiver got. */
export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An answer: status, headers, body. */
export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** A local HTTP server recording requests; `answers` are used in order, then `fallback`. */
export interface Receiver {
  url: string;
  requests: Received[];
  answers: Answer[];
  close(): Promise<void>;
}

/** Starts a receiver; each answer waits `delayMs` first (a slow service). */
export async function startReceiver(fallback: (req: Received) => Answer = () => ({ status: 200, body: 'ok' }), delayMs = 0): Promise<Receiver> {
  const requests: Received[] = [];
  const answers: Answer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(received);
      const answer = answers.shift() ?? fallback(received);
      const reply = (): void => {
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
      };
      if (delayMs > 0) setTimeout(reply, delayMs);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answers,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A clock whose sleeps are recorded and return at once. */
export function fakeClock(start = Date.parse('2026-11-24T10:15:00Z')): Clock & { slept: number[]; advance(ms: number): void } {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0.5,
    slept,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const analyst = new PlaybookAnalyst();

/** A normalized GuardDuty finding of `type` with its playbook analysis. */
export async function analysed(type: string, options: Partial<SampleOptions> = {}, edit?: (f: Finding) => void): Promise<{ finding: Finding; analysis: Analysis }> {
  const event = guardDutyEvent(type, { account: '123456789012', region: 'us-east-1', now: new Date('2026-11-24T10:00:00Z'), ...options });
  const [finding] = normalizeRecord(event, 'test');
  if (finding === undefined || finding instanceof Error) throw new Error(`sample ${type} does not normalize`);
  edit?.(finding);
  return { finding, analysis: await analyst.analyze(finding) };
}
