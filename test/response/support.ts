/** Shared pieces of the response tests: moto with dummy credentials, findings about given resources, and the full life of an action. */
import { expect } from 'vitest';
import type { Finding, Resource } from '../../src/findings/model.js';
import { AwsSession } from '../../src/response/aws.js';
import { permissionOf } from '../../src/response/errors.js';
import { getAction } from '../../src/response/registry.js';
import { type Proposal, ResponseEngine } from '../../src/response/engine.js';
import { type ExecutionLog, MemoryExecutionLog } from '../../src/response/log.js';
import { type ResponsePolicy, responseSchema } from '../../src/response/policy.js';
import { type Moto, startMoto } from '../helpers/moto.js';

export const REGION = 'us-east-1';
/** moto's default account: what GetCallerIdentity answers for the dummy credentials. */
export const ACCOUNT = '123456789012';
export const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Starts moto and points the SDK's default chain at dummy credentials; `stop` restores the environment. */
export async function motoWithCredentials(): Promise<Moto> {
  const saved = { key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, warn: process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED };
  const moto = await startMoto();
  process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const restore = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  return {
    endpoint: moto.endpoint,
    stop: async () => {
      await moto.stop();
      restore('AWS_ACCESS_KEY_ID', saved.key);
      restore('AWS_SECRET_ACCESS_KEY', saved.secret);
      restore('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', saved.warn);
    },
  };
}

/** The operations each engine called. */
const operations = new WeakMap<ResponseEngine, Set<string>>();

/** An engine on `endpoint` with the policy's defaults overridden by `policy`; it remembers the operations it called. */
export function engineOn(endpoint: string, policy: Partial<Record<keyof ResponsePolicy, unknown>> = {}, log: ExecutionLog = new MemoryExecutionLog(), now?: () => Date): ResponseEngine {
  const parsed = responseSchema.parse(policy);
  const called = new Set<string>();
  const engine = new ResponseEngine(new AwsSession({ endpoint, onCall: (op) => called.add(op), ...(parsed.assumeRole === undefined ? {} : { assumeRole: parsed.assumeRole }) }), log, parsed, now);
  operations.set(engine, called);
  return engine;
}

let serial = 0;

/** A finding about `resources` (the first is the one it is about), in moto's account unless told. */
export function findingAbout(resources: (Partial<Resource> & Pick<Resource, 'ids'>)[], over: Partial<Finding> = {}): Finding {
  serial += 1;
  return {
    id: `finding-${serial}`,
    fingerprint: `fp${String(serial).padStart(4, '0')}${Math.random().toString(16).slice(2, 10)}`,
    source: 'guardduty',
    product: 'GuardDuty',
    type: 'UnauthorizedAccess:EC2/SSHBruteForce',
    title: 'test finding',
    description: 'test finding',
    severity: { label: 'HIGH', score: 70 },
    account: ACCOUNT,
    region: REGION,
    resources: resources.map((r) => ({ type: 'Other', id: 'resource', tags: {}, ...r })),
    firstSeen: '2026-12-01T00:00:00Z',
    lastSeen: '2026-12-01T00:00:00Z',
    count: 1,
    details: {},
    raw: {},
    ...over,
  };
}

/**
 * The whole life of an action on a target, checked against an independent read of the resource
 * (`observe`): plan (nothing changes, the same hash twice), execute (succeeded, verified, the
 * resource changed), repeat (duplicate, nothing changes), roll back (the resource is exactly as before).
 * Returns the observations before and after execution.
 */
export async function lifecycle(engine: ResponseEngine, p: Proposal, observe: () => Promise<unknown>): Promise<{ before: unknown; executed: unknown }> {
  const before = await observe();
  const planned = await engine.plan(p);
  expect(planned.decision, planned.reason).not.toBe('refused');
  expect(planned.plan?.calls.length).toBeGreaterThan(0);
  expect(await observe()).toEqual(before);
  expect((await engine.plan(p)).planHash).toBe(planned.planHash);

  const ex = await engine.execute(p, { by: 'test', planHash: planned.planHash as string });
  expect(ex.status, ex.reason).toBe('succeeded');
  expect(ex.verified, ex.verification).toBe(true);
  const executed = await observe();
  expect(executed).not.toEqual(before);

  const again = await engine.execute(p, { by: 'test' });
  expect(again.status).toBe('duplicate');
  expect(again.id).toBe(ex.id);
  expect(await observe()).toEqual(executed);

  const back = await engine.rollback(ex.id, 'test');
  expect(back.status, back.reason).toBe('rolled-back');
  expect(back.record.rollback?.verified).toBe(true);
  expect(await observe()).toEqual(before);
  // Every call the action made is covered by the IAM permissions it declares (what iam-policy prints).
  const declared = getAction(p.action).permissions;
  for (const op of operations.get(engine) ?? []) if (!op.startsWith('sts:')) expect(declared, `${p.action} calls ${op}`).toContain(permissionOf(op));
  return { before, executed };
}
