/**
 * The response engine: plans an action on a target (read-only), executes an approved plan,
 * verifies it by reading back, compensates a failure, and rolls back from the recorded
 * before-state. Targets come only from the finding's structured resource ids; every decision,
 * execution and rollback is recorded in the execution log.
 */
import { randomBytes } from 'node:crypto';
import type { Finding } from '../findings/model.js';
import type { ResponseMode } from '../routing/config.js';
import { RUN_OWNER } from '../notify/ledger.js';
import type { ActionContext, ActionDefinition, Risk, TargetState } from './actions/types.js';
import type { AwsSession } from './aws.js';
import { ResponseError } from './errors.js';
import type { ActionSubject, ExecutionLog, ExecutionRecord } from './log.js';
import { type Call, type Plan, planHash, resolveRefs, sameState } from './plan.js';
import { type ResponsePolicy, actionSettings, decide } from './policy.js';
import { findAction } from './registry.js';

/** One proposed action on one target of one finding, under the route that decides about it. */
export interface Proposal {
  finding: Finding;
  action: string;
  target: string;
  mode: ResponseMode;
  route?: string;
}

/** A plan and the decision about it (the `firebreak plan` line). */
export interface PlanResult extends ActionSubject {
  risk: Risk | null;
  decision: 'propose' | 'auto' | 'refused';
  reason: string;
  /** The error code when no plan could be made (`AccessDenied`, `TargetNotFound`, …) or `protected`. */
  code?: string;
  plan: Plan | null;
  planHash: string | null;
}

/** Who approves an execution: a person (optionally of an earlier plan, by its hash) or the policy. */
export interface Approver {
  by: string;
  automatic?: boolean;
  /** The plan hash approved; when it no longer matches a fresh plan, the approval is stale. */
  planHash?: string;
  /** When that approval was given (it expires after `approvalTtl`). */
  approvedAt?: string;
}

/** Delays before each read-back when verifying (AWS is eventually consistent). */
const VERIFY_DELAYS_MS = [0, 500, 2_000];

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The idempotency key of an action on a target of a finding. */
export const executionKey = (fingerprint: string, action: string, target: string): string => `${fingerprint} ${action} ${target}`;

export class ResponseEngine {
  constructor(
    private readonly session: AwsSession,
    readonly log: ExecutionLog,
    readonly policy: ResponsePolicy,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Plans `p`: read-only AWS calls, then the decision. Never throws for a bad target or an AWS error: they are refusals. */
  async plan(p: Proposal): Promise<PlanResult> {
    const { finding } = p;
    const def = findAction(p.action);
    const base = { finding: finding.id, fingerprint: finding.fingerprint, action: p.action, target: p.target, account: finding.account, region: finding.region, risk: def?.risk ?? null, plan: null, planHash: null };
    const refuse = (reason: string, code?: string): PlanResult => ({ ...base, decision: 'refused', reason, ...(code === undefined ? {} : { code }) });
    if (def === undefined) return refuse(`unknown action ${p.action}`, 'UnknownAction');
    const grounded = this.grounded(def, p);
    if (grounded !== undefined) return refuse(grounded, 'UngroundedTarget');
    const decision = decide(this.policy, p.mode, p.route, def);
    if (decision.decision === 'refused') return { ...base, ...decision };
    if (this.policy.protectedAccounts.includes(finding.account)) return refuse(`protected: account ${finding.account} is in response.protectedAccounts`, 'protected');
    if (this.isProtected(finding.resources.map((r) => r.tags))) return refuse(`protected: the finding's resource is tagged ${this.policy.protectTag}=true`, 'protected');
    try {
      const ctx = await this.context(def, p.finding, idsOf(p.finding, def, p.target));
      const before = await def.read(ctx, p.target);
      if (this.isProtected([before.tags])) return refuse(`protected: ${p.target} is tagged ${this.policy.protectTag}=true`, 'protected');
      const { calls, after } = await def.plan(ctx, p.target, before);
      const plan: Plan = { before, calls, after };
      const hash = planHash({ action: def.name, target: p.target, account: finding.account, region: finding.region, plan });
      const reason = this.policy.dryRun ? `${decision.reason}; dry run: nothing is executed (response.dryRun)` : decision.reason;
      return { ...base, decision: decision.decision, reason: calls.length === 0 ? `${reason}; already in place, nothing to change` : reason, plan, planHash: hash };
    } catch (err) {
      if (!(err instanceof ResponseError)) throw err;
      return refuse(err.message, err.code);
    }
  }

  /** Records that `by` approved the plan of `planned` (until `approvalTtl` passes). */
  approve(planned: PlanResult, by: string): void {
    if (planned.planHash === null) throw new ResponseError('ActionRefused', `${planned.action} on ${planned.target} has no plan to approve: ${planned.reason}`);
    const at = this.now();
    this.log.approve({ planHash: planned.planHash, key: executionKey(planned.fingerprint, planned.action, planned.target), approvedBy: by, approvedAt: at.toISOString(), expiresAt: new Date(at.getTime() + this.policy.approvalTtl).toISOString() });
  }

  /** Records that `planned` was not executed (refused, or declined by `by`); a done action answers duplicate. */
  decline(planned: PlanResult, by: string, reason: string): ExecutionOutcome {
    const key = executionKey(planned.fingerprint, planned.action, planned.target);
    const held = this.log.holder(key);
    if (held !== undefined) return duplicateOf(held);
    const r = { ...this.record(planned, key, by), status: 'refused' as const, reason };
    this.log.put(r);
    return r;
  }

  /**
   * Executes `p` as `approver` allows: never twice per (fingerprint, action, target), never on a
   * stale or expired approval, within the blast radius; verifies by reading back, and undoes
   * whatever it did when a call fails.
   */
  async execute(p: Proposal, approver: Approver): Promise<ExecutionOutcome> {
    const key = executionKey(p.finding.fingerprint, p.action, p.target);
    const held = this.log.holder(key);
    if (held !== undefined) return duplicateOf(held);
    const planned = await this.plan(p);
    const record = this.record(planned, key, approver.by);
    const refuse = (reason: string): ExecutionRecord => {
      const r = { ...record, status: 'refused' as const, reason };
      this.log.put(r);
      return r;
    };
    if (planned.plan === null || planned.planHash === null) return refuse(planned.reason);
    if (approver.planHash !== undefined) {
      const approvedAt = approver.approvedAt === undefined ? undefined : Date.parse(approver.approvedAt);
      if (approvedAt !== undefined && this.now().getTime() - approvedAt > this.policy.approvalTtl) {
        return refuse(`expired: the approval of ${approver.approvedAt} is older than response.approvalTtl; plan ${planned.planHash} needs a new approval`);
      }
      if (approver.planHash !== planned.planHash) {
        return refuse(`stale: ${p.target} changed since plan ${approver.planHash} was approved; re-planned as ${planned.planHash}, which needs its own approval`);
      }
    }
    if (approver.automatic === true && planned.decision !== 'auto') return refuse(`needs approval: ${planned.reason}`);
    if (this.policy.dryRun) return refuse('dry-run: response.dryRun is on; the plan is recorded, nothing was executed');
    const since = new Date(this.now().getTime() - 3_600_000).toISOString();
    const begun = this.log.begin({ ...record, status: 'running', reason: 'executing' }, this.policy.blastRadius, since);
    if ('duplicate' in begun) return duplicateOf(begun.duplicate);
    if ('blastRadius' in begun) {
      return refuse(`blast-radius: ${begun.blastRadius} executions in account ${p.finding.account} within the last hour reach response.blastRadius (${this.policy.blastRadius}); stopped to limit runaway automation`);
    }
    return this.run(p, record, planned.plan);
  }

  private async run(p: Proposal, record: ExecutionRecord, plan: Plan): Promise<ExecutionRecord> {
    const def = findAction(p.action) as ActionDefinition;
    const ctx = await this.context(def, p.finding, idsOf(p.finding, def, p.target));
    const outputs: Record<string, unknown> = { execution: { id: record.id, time: this.now().toISOString() } };
    const done = (fields: Partial<ExecutionRecord>): ExecutionRecord => {
      const r = { ...record, outputs, ids: ctx.finding.ids, ...fields, updatedAt: this.now().toISOString() };
      this.log.put(r);
      return r;
    };
    try {
      await this.calls(ctx, def, plan.calls, outputs);
    } catch (err) {
      const failure = err instanceof Error ? err.message : String(err);
      const compensated = await this.compensate(ctx, def, p.target, plan.before as TargetState, outputs);
      return done({ status: 'failed', reason: `${failure}; ${compensated.note}`, compensated: compensated.ok, after: compensated.state ?? null });
    }
    const expected = resolveRefs(plan.after, outputs);
    const check = await this.readUntil(ctx, def, p.target, expected);
    return done({
      status: 'succeeded',
      reason: plan.calls.length === 0 ? 'already in place: nothing to change' : `${plan.calls.length} call(s) made`,
      after: check.state,
      verified: check.ok,
      verification: check.ok ? 'read back: the target is in the planned after-state' : `read back differs from the planned after-state: ${check.note}`,
    });
  }

  /** Rolls back execution `id` from its recorded before-state, as `by`. */
  async rollback(id: string, by: string): Promise<RollbackOutcome> {
    const rec = this.log.get(id);
    if (rec === undefined) throw new ResponseError('ExecutionNotFound', `no execution ${id} in the state store (see firebreak executions)`);
    const def = findAction(rec.action);
    const plan = rec.plan;
    const not = (reason: string): RollbackOutcome => ({ status: 'not-reversible', reason, record: rec });
    if (rec.status === 'rolled-back') return { status: 'rolled-back', reason: `already rolled back at ${rec.rollback?.at ?? '?'} by ${rec.rollback?.by ?? '?'}`, record: rec };
    if (rec.status !== 'succeeded' || def === undefined || plan === null) return not(`the execution ${rec.status === 'failed' ? 'failed (what it had done was undone then)' : `is ${rec.status}`}: there is nothing to roll back`);
    if (!def.reversible) return not(def.rollback);
    if (plan.calls.length === 0) return not('the execution changed nothing: the target was already in the after-state');
    const ctx = await this.context(def, rec, rec.ids ?? {});
    const at = this.now().toISOString();
    const finish = (status: 'rolled-back' | 'failed', reason: string, calls: Call[], verified: boolean): RollbackOutcome => {
      const r: ExecutionRecord = { ...rec, ...(status === 'rolled-back' ? { status } : {}), rollback: { status, at, by, reason, calls, verified }, updatedAt: at };
      this.log.put(r);
      return { status, reason, record: r };
    };
    let calls: Call[] = [];
    try {
      const now = await def.read(ctx, rec.target);
      calls = def.undo(ctx, rec.target, plan.before as TargetState, now, rec.outputs, false);
      await this.calls(ctx, def, calls, { ...rec.outputs });
    } catch (err) {
      return finish('failed', err instanceof Error ? err.message : String(err), calls, false);
    }
    const check = await this.readUntil(ctx, def, rec.target, plan.before);
    if (!check.ok) return finish('rolled-back', `undone, but the read-back differs from the recorded before-state: ${check.note}`, calls, false);
    return finish('rolled-back', 'read back: the target is in its recorded before-state', calls, true);
  }

  /** Runs `calls` in order, filling in references and keeping named outputs. */
  private async calls(ctx: ActionContext, def: ActionDefinition, calls: readonly Call[], outputs: Record<string, unknown>): Promise<void> {
    for (const call of calls) {
      const resolved: Call = { ...call, input: resolveRefs(call.input, outputs) as Record<string, unknown> };
      const out = def.perform !== undefined && call.operation === 'wafv2:UpdateIPSet' ? await def.perform(ctx, resolved) : await ctx.aws.call(resolved.operation, resolved.input);
      if (call.as !== undefined) outputs[call.as] = out;
    }
  }

  /** Undoes what a failed execution did; says whether the target is back in its before-state. */
  private async compensate(ctx: ActionContext, def: ActionDefinition, target: string, before: TargetState, outputs: Record<string, unknown>): Promise<{ ok: boolean; note: string; state?: unknown }> {
    try {
      const now = await def.read(ctx, target);
      await this.calls(ctx, def, def.undo(ctx, target, before, now, outputs, true), { ...outputs });
      const state = await def.read(ctx, target);
      return sameState(state, before) ? { ok: true, note: 'what was done has been undone: the target is in its before-state', state } : { ok: false, note: 'undoing left the target different from its before-state: check it by hand', state };
    } catch (err) {
      return { ok: false, note: `undoing failed too (${err instanceof Error ? err.message : String(err)}): check the target by hand` };
    }
  }

  /** Reads the target until it equals `expected` (a few times, for eventual consistency). */
  private async readUntil(ctx: ActionContext, def: ActionDefinition, target: string, expected: unknown): Promise<{ ok: boolean; state: unknown; note: string }> {
    let state: unknown;
    for (const delay of VERIFY_DELAYS_MS) {
      if (delay > 0) await sleep(delay);
      state = await def.read(ctx, target);
      if (sameState(state, expected)) return { ok: true, state, note: '' };
    }
    return { ok: false, state, note: `expected ${JSON.stringify(expected)}, read ${JSON.stringify(state)}` };
  }

  /** Why the target is not one of the finding's structured ids for the action, or undefined when it is. */
  private grounded(def: ActionDefinition, p: Proposal): string | undefined {
    if (!def.targetPattern.test(p.target)) return `${JSON.stringify(p.target)} is not a valid ${def.target} for ${def.name}`;
    const values = def.target === 'account' ? [p.finding.account] : p.finding.resources.flatMap((r) => [r.ids[def.target] ?? []].flat());
    return values.includes(p.target) ? undefined : `${p.target} is not a ${def.target} of the finding's resources: targets come only from its structured fields`;
  }

  private isProtected(tagSets: (Record<string, string> | undefined)[]): boolean {
    return tagSets.some((t) => t !== undefined && Object.hasOwn(t, this.policy.protectTag) && t[this.policy.protectTag]?.toLowerCase() === 'true');
  }

  /** The context an action runs in: the finding's account and region, its structured ids. */
  private async context(def: ActionDefinition, where: { account: string; region: string; fingerprint: string }, ids: ActionContext['finding']['ids']): Promise<ActionContext> {
    const aws = await this.session.caller(where.account, regionFor(def, where.region, this.policy));
    return { aws, finding: { fingerprint: where.fingerprint, ids }, settings: actionSettings(this.policy) };
  }

  private record(planned: PlanResult, key: string, by: string): ExecutionRecord {
    const at = this.now().toISOString();
    return {
      id: `ex-${randomBytes(6).toString('hex')}`,
      key,
      finding: planned.finding,
      fingerprint: planned.fingerprint,
      action: planned.action,
      target: planned.target,
      account: planned.account,
      region: planned.region,
      risk: planned.risk ?? 'contain',
      status: 'refused',
      reason: planned.reason,
      approvedBy: by,
      planHash: planned.planHash,
      plan: planned.plan,
      before: planned.plan?.before ?? null,
      after: null,
      outputs: {},
      verified: false,
      verification: '',
      owner: RUN_OWNER,
      createdAt: at,
      updatedAt: at,
    };
  }
}

/** What `execute` answers: the record, or for a repeat the first execution's record marked `duplicate`. */
export type ExecutionOutcome = Omit<ExecutionRecord, 'status'> & { status: ExecutionRecord['status'] | 'duplicate' };

/** What `rollback` answers. */
export interface RollbackOutcome {
  status: 'rolled-back' | 'failed' | 'not-reversible';
  reason: string;
  record: ExecutionRecord;
}

/** A repeat: the first execution's answer, marked duplicate. */
const duplicateOf = (first: ExecutionRecord): ExecutionOutcome => ({ ...first, status: 'duplicate', reason: `duplicate: execution ${first.id} (${first.status} at ${first.createdAt}) already did this; nothing was changed` });

/** The region an action calls: the finding's, or the WAF IP set's for `wafv2:block-ip`. */
function regionFor(def: ActionDefinition, region: string, policy: ResponsePolicy): string {
  if (def.name !== 'wafv2:block-ip' || policy.wafIpSet === undefined) return region;
  return policy.wafIpSet.scope === 'CLOUDFRONT' ? 'us-east-1' : (policy.wafIpSet.region ?? region);
}

/** The structured ids the action sees: those of the resource holding the target first, then the others'. */
function idsOf(finding: Finding, def: ActionDefinition, target: string): Record<string, string | readonly string[] | undefined> {
  const holds = (r: Finding['resources'][number]): boolean => [r.ids[def.target] ?? []].flat().includes(target);
  const ordered = [...finding.resources.filter(holds), ...finding.resources.filter((r) => !holds(r))];
  const ids: Record<string, string | readonly string[] | undefined> = {};
  for (const r of ordered) for (const [k, v] of Object.entries(r.ids)) if (v !== undefined && ids[k] === undefined) ids[k] = v;
  return ids;
}
