/**
 * An HTTP proxy in front of moto that can fail chosen AWS calls the way AWS does (throttling,
 * access denied, a service error mid-way) or run something just before forwarding one. The
 * operation of a request is its `X-Amz-Target` (JSON protocols), its `Action` (query protocols),
 * or `METHOD /path` (REST protocols).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A response the proxy sends instead of forwarding. */
export interface Fault {
  status: number;
  body: string;
  headers?: Record<string, string>;
}

/** Decides per request: a fault to answer with, or undefined to forward to moto. */
export type FaultHook = (operation: string, body: string) => Promise<Fault | undefined> | Fault | undefined;

export interface FaultProxy {
  endpoint: string;
  /** Every operation seen, in order. */
  seen: string[];
  stop(): Promise<void>;
}

function operationOf(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target;
  const action = new URLSearchParams(body).get('Action') ?? new URL(req.url ?? '/', 'http://x').searchParams.get('Action');
  return action ?? `${req.method ?? 'GET'} ${new URL(req.url ?? '/', 'http://x').pathname}`;
}

/** An EC2 error body (EC2 uses its own envelope). */
export const ec2Error = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>proxy</RequestID></Response>`;

/** Starts the proxy in front of `upstream`; `hook` sees each request first. */
export async function startFaultProxy(upstream: string, hook: FaultHook): Promise<FaultProxy> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks);
        const body = raw.toString('utf8');
        const operation = operationOf(req, body);
        seen.push(operation);
        try {
          const fault = await hook(operation, body);
          if (fault !== undefined) {
            res.writeHead(fault.status, { 'content-type': 'text/xml', ...fault.headers });
            res.end(fault.body);
            return;
          }
          const headers = Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => k !== 'host' && k !== 'content-length' && typeof v === 'string')) as Record<string, string>;
          const answer = await fetch(`${upstream}${req.url ?? '/'}`, { method: req.method ?? 'GET', headers, ...(raw.length === 0 ? {} : { body: raw }) });
          const out = Buffer.from(await answer.arrayBuffer());
          const back: Record<string, string> = {};
          answer.headers.forEach((v, k) => {
            if (k !== 'content-encoding' && k !== 'transfer-encoding' && k !== 'content-length') back[k] = v;
          });
          res.writeHead(answer.status, back);
          res.end(out);
        } catch (err) {
          res.writeHead(502);
          res.end(String(err));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
