/**
 * `firebreak plan`, `act`, `rollback`, `executions` and `iam-policy`: the response CLI contract of
 * PRODUCT.md. Findings are triaged as `triage` does; each proposed action is planned with
 * read-only calls, executed only with `--yes` or an answer on a terminal, and recorded in the
 * state file's audit trail.
 */
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import type { Analysis, Analyst } from '../analysis/types.js';
import type { FirebreakConfig } from '../config/schema.js';
import type { Finding } from '../findings/model.js';
import { readInputs } from '../findings/read.js';
import { type TriageStats, triage } from '../pipeline.js';
import { AwsSession } from '../response/aws.js';
import { ResponseError } from '../response/errors.js';
import { type ExecutionOutcome, type PlanResult, type Proposal, ResponseEngine } from '../response/engine.js';
import { type ExecutionLog, type ExecutionRecord, MemoryExecutionLog, SqliteExecutionLog } from '../response/log.js';
import { DEFAULT_POLICY, type ResponsePolicy } from '../response/policy.js';
import { strictestMode } from '../response/stage.js';
import { FindingsWriter, type WritebackReport, resolvedNote } from '../response/writeback.js';
import type { ResponseMode } from '../routing/config.js';
import { Router } from '../routing/router.js';
import { MemoryStore, StoreError } from '../store/index.js';
import { terminalLine } from './format/safe.js';
import { openState, statePath } from './state.js';

/** Where the commands read and write. */
export interface RespondIo {
  stdin: AsyncIterable<Buffer | string> & Partial<Readable> & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
}

/** Flags every response command takes. */
export interface ResponseFlags {
  config?: string;
  state?: string;
  endpointUrl?: string;
  updateFindings?: boolean;
  /** `--outbox`: plans only, kept in memory. */
  preview?: boolean;
}

/** The engine of a run and what to close after it. */
export interface ResponseSetup {
  engine: ResponseEngine;
  session: AwsSession;
  policy: ResponsePolicy;
  routes: FirebreakConfig['routes'];
  writer?: FindingsWriter;
  close(): void;
}

/** Who a person approving on this machine is: `cli:user@host`. */
export function cliUser(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? 'unknown';
  }
  return `cli:${name}@${hostname()}`;
}

/** The execution log in the state file; in memory (with a warning) without the SQLite driver. */
function openLog(path: string, log: (line: string) => void): ExecutionLog {
  try {
    return new SqliteExecutionLog(openState(path, log));
  } catch (err) {
    if (!(err instanceof StoreError) || !/better-sqlite3/.test(err.message)) throw err;
    log(`firebreak: ${err.message}; executions are kept in memory, so a repeat in a later run is not recognised`);
    return new MemoryExecutionLog();
  }
}

/** Builds the engine from the configuration and flags. */
export function setupResponse(loaded: { config: FirebreakConfig; dir: string } | undefined, flags: ResponseFlags, log: (line: string) => void): ResponseSetup {
  const policy = loaded?.config.response ?? DEFAULT_POLICY;
  const session = new AwsSession({ ...(flags.endpointUrl === undefined ? {} : { endpoint: flags.endpointUrl }), ...(policy.assumeRole === undefined ? {} : { assumeRole: policy.assumeRole }) });
  // A preview records nothing: its executions (there are none) and approvals stay in memory.
  const executions = flags.preview === true ? new MemoryExecutionLog() : openLog(statePath(loaded?.config, loaded?.dir ?? '.', flags.state), log);
  const engine = new ResponseEngine(session, executions, policy);
  const writer = flags.updateFindings === true || policy.updateFindings ? new FindingsWriter(session) : undefined;
  return {
    engine,
    session,
    policy,
    routes: loaded?.config.routes ?? [],
    ...(writer === undefined ? {} : { writer }),
    close: () => {
      executions.close();
      session.close();
    },
  };
}

/** The mode of the most cautious route a finding matches (`propose` when it matches none). */
export const modeOf = (router: Router | undefined, finding: Finding): { mode: ResponseMode; route?: string } => strictestMode(router?.route(finding).routes ?? []);

/** A router that only matches routes (no mutes, nothing remembered), for the modes. */
export const routeMatcher = (routes: FirebreakConfig['routes']): Router | undefined => (routes.length === 0 ? undefined : new Router({ routes, mutes: [] }, new MemoryStore()));

/** Each analysed finding of the input with its proposals; rejected records are reported on stderr. */
async function* proposals(files: readonly string[], io: RespondIo, analyst: Analyst, router: Router | undefined, stats: TriageStats): AsyncGenerator<{ finding: Finding; analysis: Analysis; proposals: Proposal[] }> {
  for await (const result of triage(readInputs(files, io.stdin), analyst, stats)) {
    if (result.kind === 'error') {
      io.stderr.write(`firebreak: ${terminalLine(result.error.message)}\n`);
      continue;
    }
    const { mode, route } = modeOf(router, result.finding);
    yield { finding: result.finding, analysis: result.analysis, proposals: result.analysis.actions.map((a) => ({ finding: result.finding, action: a.action, target: a.target, mode, ...(route === undefined ? {} : { route }) })) };
  }
}

/** The `plan` line of the contract. */
const planLine = (r: PlanResult): Record<string, unknown> => ({
  finding: r.finding,
  fingerprint: r.fingerprint,
  action: r.action,
  target: r.target,
  account: r.account,
  region: r.region,
  risk: r.risk,
  decision: r.decision,
  reason: r.reason,
  ...(r.code === undefined ? {} : { code: r.code }),
  plan: r.plan,
  planHash: r.planHash,
});

/** A plan for people: the decision, the calls, and how to approve it. */
export function planText(r: PlanResult, files: readonly string[]): string {
  const lines = [`${r.action} ${r.target} (${r.account}, ${r.region}) — ${r.risk ?? 'unknown risk'} — ${r.decision}: ${r.reason}`];
  if (r.plan !== null) {
    lines.push(`  before: ${JSON.stringify(r.plan.before)}`);
    for (const c of r.plan.calls) lines.push(`  call:   ${c.operation} ${JSON.stringify(c.input)}`);
    lines.push(`  after:  ${JSON.stringify(r.plan.after)}`);
    const inputs = files.length === 0 ? '' : ` ${files.join(' ')}`;
    if (r.decision !== 'refused' && r.plan.calls.length > 0) lines.push(`  plan ${r.planHash}; to execute: firebreak act${inputs} --action ${r.action} --target ${r.target} --yes`);
  }
  return `${lines.map((l) => terminalLine(l)).join('\n')}\n`;
}

/** `firebreak plan`: exit 0 when every plan was made, 2 when some were refused or input was rejected. */
export async function runPlan(files: readonly string[], options: { format: 'json' | 'text'; analyst: Analyst; setup: ResponseSetup }, io: RespondIo): Promise<number> {
  const { engine } = options.setup;
  const stats: TriageStats = { records: 0, findings: 0, rejected: 0 };
  let refused = 0;
  let planned = 0;
  for await (const item of proposals(files, io, options.analyst, routeMatcher(options.setup.routes), stats)) {
    for (const p of item.proposals) {
      const r = await engine.plan(p);
      planned += 1;
      if (r.decision === 'refused') refused += 1;
      io.stdout.write(options.format === 'json' ? `${JSON.stringify(planLine(r))}\n` : planText(r, files));
    }
  }
  io.stderr.write(`firebreak: ${planned} action(s) planned for ${stats.findings} finding(s), ${refused} refused, ${stats.rejected} record(s) rejected\n`);
  return refused > 0 || stats.rejected > 0 ? 2 : 0;
}

/** The `act` line of the contract. */
const actLine = (e: ExecutionOutcome): Record<string, unknown> => ({
  execution: e.id,
  finding: e.finding,
  fingerprint: e.fingerprint,
  action: e.action,
  target: e.target,
  status: e.status,
  reason: e.reason,
  before: e.before,
  after: e.after,
  verified: e.verified,
  approvedBy: e.approvedBy,
});

/** Asks a yes/no question on the terminal. */
async function ask(io: RespondIo, question: string): Promise<boolean> {
  const rl = createInterface({ input: io.stdin as Readable, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** What a Security Hub write-back did, for stderr: each finding not updated, then the totals. */
export function writebackSummary(report: WritebackReport): string {
  const lines = report.failed.map((f) => `firebreak: Security Hub did not update ${terminalLine(f.id)}: ${terminalLine(f.reason)}\n`);
  lines.push(`firebreak: Security Hub: ${report.updated} finding(s) updated, ${report.failed.length} not updated${report.skipped > 0 ? `, ${report.skipped} not from Security Hub or GuardDuty (not written)` : ''}\n`);
  return lines.join('');
}

/** `firebreak act`: exit 0 all succeeded (or already done), 2 some refused or declined, 1 some failed. */
export async function runAct(files: readonly string[], options: { analyst: Analyst; setup: ResponseSetup; yes: boolean; action?: string; target?: string }, io: RespondIo): Promise<number> {
  const usesStdin = files.length === 0 || files.includes('-');
  const interactive = !options.yes && io.stdin.isTTY === true && !usesStdin;
  if (!options.yes && !interactive) {
    io.stderr.write(`firebreak: act executes changes in AWS: add --yes to approve them, or run it on a terminal to be asked one by one (${usesStdin ? 'the findings come from stdin' : 'stdin is not a terminal'})\n`);
    return 2;
  }
  const { engine, writer } = options.setup;
  const by = cliUser();
  const stats: TriageStats = { records: 0, findings: 0, rejected: 0 };
  const counts = { succeeded: 0, duplicate: 0, refused: 0, failed: 0 };
  let selected = 0;
  for await (const item of proposals(files, io, options.analyst, undefined, stats)) {
    const done: ExecutionOutcome[] = [];
    for (const p of item.proposals) {
      if ((options.action !== undefined && p.action !== options.action) || (options.target !== undefined && p.target !== options.target)) continue;
      selected += 1;
      let outcome: ExecutionOutcome;
      if (interactive) {
        const planned = await engine.plan(p);
        io.stderr.write(planText(planned, files));
        if (planned.decision === 'refused' || planned.plan === null || !(await ask(io, `Execute ${p.action} on ${p.target}? [y/N] `))) {
          outcome = engine.decline(planned, by, planned.decision === 'refused' ? planned.reason : 'declined on the terminal');
        } else {
          engine.approve(planned, by);
          outcome = await engine.execute(p, { by, planHash: planned.planHash as string, approvedAt: new Date().toISOString() });
        }
      } else {
        outcome = await engine.execute(p, { by });
      }
      counts[outcome.status === 'rolled-back' || outcome.status === 'running' ? 'duplicate' : outcome.status] += 1;
      done.push(outcome);
      io.stdout.write(`${JSON.stringify(actLine(outcome))}\n`);
    }
    const resolved = done.filter((e) => e.status === 'succeeded' && e.verified);
    if (writer !== undefined && resolved.length > 0) writer.add(item.finding, 'RESOLVED', resolvedNote(item.analysis, resolved));
  }
  if (writer !== undefined) io.stderr.write(writebackSummary(await writer.flush()));
  const filter = [options.action === undefined ? '' : ` --action ${options.action}`, options.target === undefined ? '' : ` --target ${options.target}`].join('');
  if (selected === 0 && stats.findings > 0) io.stderr.write(`firebreak: no proposed action${filter === '' ? '' : ` matches${terminalLine(filter)}`} in ${stats.findings} finding(s)\n`);
  io.stderr.write(`firebreak: ${counts.succeeded} succeeded, ${counts.duplicate} already done, ${counts.refused} refused, ${counts.failed} failed${stats.rejected > 0 ? `, ${stats.rejected} record(s) rejected` : ''}\n`);
  if (counts.failed > 0) return 1;
  return counts.refused > 0 || stats.rejected > 0 ? 2 : 0;
}

/** `firebreak rollback`: exit 0 rolled back, 1 failed, 2 not reversible, unknown or not confirmed. */
export async function runRollback(id: string, options: { setup: ResponseSetup; yes: boolean }, io: RespondIo): Promise<number> {
  const { engine } = options.setup;
  const line = (status: string, reason: string): void => {
    io.stdout.write(`${JSON.stringify({ execution: id, status, reason })}\n`);
  };
  const rec = engine.log.get(id);
  if (rec === undefined) {
    line('failed', `no execution ${id} in the state store (see firebreak executions)`);
    return 2;
  }
  if (!options.yes) {
    if (io.stdin.isTTY !== true) {
      io.stderr.write('firebreak: rollback changes AWS resources: add --yes, or run it on a terminal to be asked\n');
      return 2;
    }
    io.stderr.write(terminalLine(`${rec.action} ${rec.target} (${rec.account}, ${rec.region}), executed ${rec.createdAt} by ${rec.approvedBy ?? '?'}; restores ${JSON.stringify(rec.before)}`) + '\n');
    if (!(await ask(io, `Roll back ${id}? [y/N] `))) {
      line('failed', 'declined on the terminal');
      return 2;
    }
  }
  try {
    const out = await engine.rollback(id, cliUser());
    line(out.status, out.reason);
    return out.status === 'rolled-back' ? 0 : out.status === 'failed' ? 1 : 2;
  } catch (err) {
    if (!(err instanceof ResponseError)) throw err;
    line('failed', err.message);
    return err.code === 'ExecutionNotFound' ? 2 : 1;
  }
}

/** One audit-trail line. */
export const executionLine = (e: ExecutionRecord): Record<string, unknown> => ({
  execution: e.id,
  finding: e.finding,
  fingerprint: e.fingerprint,
  action: e.action,
  target: e.target,
  account: e.account,
  region: e.region,
  risk: e.risk,
  status: e.status,
  reason: e.reason,
  approvedBy: e.approvedBy,
  planHash: e.planHash,
  plan: e.plan,
  before: e.before,
  after: e.after,
  verified: e.verified,
  verification: e.verification,
  ...(e.compensated === undefined ? {} : { compensated: e.compensated }),
  rollback: e.rollback ?? null,
  createdAt: e.createdAt,
  updatedAt: e.updatedAt,
});

/** `firebreak executions`: the audit trail, oldest first. */
export function runExecutions(log: ExecutionLog, format: 'json' | 'text', io: RespondIo): number {
  const all = log.all();
  for (const e of all) {
    if (format === 'json') io.stdout.write(`${JSON.stringify(executionLine(e))}\n`);
    else {
      const rb = e.rollback === undefined ? '' : `; rollback ${e.rollback.status} ${e.rollback.at} by ${e.rollback.by}`;
      io.stdout.write(`${terminalLine(`${e.createdAt} ${e.id} ${e.status.padEnd(11)} ${e.action} ${e.target} (${e.account}, ${e.region}) by ${e.approvedBy ?? '?'}${e.verified ? ', verified' : ''}: ${e.reason}${rb}`)}\n`);
    }
  }
  if (all.length === 0) io.stderr.write('firebreak: no executions recorded yet\n');
  return 0;
}
