/**
 * The response stage of a notification run: before a finding is delivered, what becomes of each
 * action its analysis proposes under the route's mode — nothing (`notify`), a plan awaiting
 * approval (`propose`), or an execution within the policy (`auto`) — as notes the messages show
 * with the command that approves or undoes it; after delivery, the Security Hub write-back
 * (NOTIFIED once people were told, RESOLVED once an automatic remediation was verified).
 */
import type { Analysis } from '../analysis/types.js';
import type { Finding } from '../findings/model.js';
import type { ResponseMode } from '../routing/config.js';
import type { ExecutionOutcome, PlanResult, ResponseEngine } from './engine.js';
import type { Plan } from './plan.js';
import { type FindingsWriter, type WritebackReport, notifiedNote, resolvedNote } from './writeback.js';

/** What became of one proposed action. */
export type ActionState = 'notify-only' | 'proposed' | 'refused' | 'executed' | 'failed' | 'duplicate' | 'not-run';

/** One proposed action as a message shows it. */
export interface ActionNote {
  action: string;
  target: string;
  state: ActionState;
  /** One line: the decision and its reason, or the execution's result. */
  status: string;
  /** What the plan changes, in one line; empty without a plan. */
  plan: string;
  /** The command that approves it (proposed) or rolls it back (executed); empty when none applies. */
  command: string;
  /** The execution, when one ran (or ran before). */
  execution?: string;
  /** An execution that succeeded and was read back in its planned after-state. */
  verified?: boolean;
}

/** Plan refusals that say nothing about the action, only that this run could not read its target. */
const UNREADABLE: readonly string[] = ['AwsCredentialsMissing', 'AccessDenied', 'Throttled', 'AwsCallFailed'];

const STRICTNESS: readonly ResponseMode[] = ['notify', 'propose', 'auto'];

/** The most cautious of the modes of the routes a finding matched (`propose` when none). */
export function strictestMode(routes: readonly { name: string; mode: ResponseMode }[]): { mode: ResponseMode; route?: string } {
  const first = [...routes].sort((a, b) => STRICTNESS.indexOf(a.mode) - STRICTNESS.indexOf(b.mode))[0];
  return first === undefined ? { mode: 'propose' } : { mode: first.mode, route: first.name };
}

/** A value in a one-line plan summary: references to call outputs as `<name.Field>`, long JSON cut. */
function brief(value: unknown, max = 140): string {
  const text = JSON.stringify(value ?? null, (_k, v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { $ref?: unknown }).$ref === 'string' && Object.keys(v).length === 1 ? `<${(v as { $ref: string }).$ref}>` : v));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A plan in one line: the calls (repeats counted) and each part of the state that changes. */
export function planSummary(plan: Plan): string {
  if (plan.calls.length === 0) return 'already in place: no call to make';
  const counts = new Map<string, number>();
  for (const c of plan.calls) counts.set(c.operation, (counts.get(c.operation) ?? 0) + 1);
  const calls = [...counts].map(([op, n]) => (n === 1 ? op : `${op} ×${n}`)).join(', ');
  const before = (plan.before ?? {}) as Record<string, unknown>;
  const after = (plan.after ?? {}) as Record<string, unknown>;
  const changes = Object.keys(after)
    .filter((k) => k !== 'tags' && JSON.stringify(before[k]) !== JSON.stringify(after[k]))
    .map((k) => `${k} ${brief(before[k])} → ${brief(after[k])}`);
  return `${calls}${changes.length === 0 ? '' : `; ${changes.join('; ')}`}`;
}

/** A word of a shell command as typed: quoted unless it is plainly safe. */
const shellWord = (s: string): string => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** Where the commands a message suggests point: the input file and the configuration and state of the run. */
export interface CommandContext {
  /** The file the finding came from; `-` or undefined for stdin. */
  input?: string;
  config?: string;
  state?: string;
}

/** The `--config` and `--state` flags of a suggested command. */
const stateFlags = (where: CommandContext): string => [where.config === undefined ? '' : ` --config ${shellWord(where.config)}`, where.state === undefined ? '' : ` --state ${shellWord(where.state)}`].join('');

/** The `firebreak act` command that approves `action` on `target` of the finding in `where.input`. */
export function approveCommand(action: string, target: string, where: CommandContext): string {
  const fromStdin = where.input === undefined || where.input === '-';
  const cmd = `firebreak act${fromStdin ? '' : ` ${shellWord(where.input as string)}`} --action ${action} --target ${shellWord(target)} --yes${stateFlags(where)}`;
  return fromStdin ? `${cmd} < FINDING.json` : cmd;
}

/** The `firebreak rollback` command that undoes execution `id`. */
export function rollbackCommand(id: string, where: CommandContext): string {
  return `firebreak rollback ${id} --yes${stateFlags(where)}`;
}

/**
 * What a message says of an action by its route's mode alone: under a `notify` route, or when
 * nothing plans (no `response:` section, or no response stage at all). `approve` is the command
 * that approves it, when known.
 */
export function undecidedNote(action: string, target: string, mode: ResponseMode, approve = ''): ActionNote {
  const base = { action, target, plan: '' };
  if (mode === 'notify') return { ...base, state: 'notify-only', status: 'not run: this route only notifies', command: '' };
  // Without the engine nothing executes: say so rather than promise a run that never comes.
  if (mode === 'auto') return { ...base, state: 'not-run', status: 'not run: automatic response is off until firebreak.yaml has a response: section (docs/response.md)', command: approve };
  return { ...base, state: 'proposed', status: 'awaiting approval', command: approve };
}

/** Everything the stage needs. */
export interface StageOptions {
  /** The engine; without it (no `response:` in the configuration) nothing is planned or executed. */
  engine?: ResponseEngine;
  /** A preview (`--outbox`): plan, never execute, never write back. */
  preview?: boolean;
  writer?: FindingsWriter;
  /** The configuration and state the suggested commands name. */
  commands?: Omit<CommandContext, 'input'>;
  /** Releases what the engine and writer hold (the execution log, AWS clients). */
  close?: () => void;
}

/** The response stage of one notification run (or service). */
export class ResponseStage {
  /** How many actions ended in each state this run. */
  readonly counts: Record<ActionState, number> = { 'notify-only': 0, proposed: 0, refused: 0, executed: 0, failed: 0, duplicate: 0, 'not-run': 0 };

  constructor(private readonly options: StageOptions = {}) {}

  /** What becomes of each proposed action of `finding` under `mode` (of route `route`); executes `auto` ones within the policy. */
  async decide(finding: Finding, analysis: Analysis, mode: ResponseMode, route: string | undefined, input?: string): Promise<ActionNote[]> {
    const where: CommandContext = { ...this.options.commands, ...(input === undefined ? {} : { input }) };
    const notes: ActionNote[] = [];
    for (const a of analysis.actions) {
      const approve = approveCommand(a.action, a.target, where);
      const engine = this.options.engine;
      if (mode === 'notify' || engine === undefined) {
        notes.push(undecidedNote(a.action, a.target, mode, approve));
        continue;
      }
      const proposal = { finding, action: a.action, target: a.target, mode, ...(route === undefined ? {} : { route }) };
      try {
        const planned = await engine.plan(proposal);
        if (planned.decision !== 'auto' || this.options.preview === true) {
          notes.push(this.planned(planned, approve));
          continue;
        }
        const by = `policy:auto (route ${route ?? '?'})`;
        notes.push(this.executed(await engine.execute(proposal, { by, automatic: true }), planned, approve, where));
      } catch (err) {
        // An unexpected failure (not an AWS answer, which the engine records) still lets people be told.
        notes.push({ action: a.action, target: a.target, plan: '', state: 'failed', status: `not planned: ${err instanceof Error ? err.message : String(err)}`, command: approve });
      }
    }
    for (const n of notes) this.counts[n.state] += 1;
    return notes;
  }

  private planned(planned: PlanResult, approve: string): ActionNote {
    const base = { action: planned.action, target: planned.target, plan: planned.plan === null ? '' : planSummary(planned.plan) };
    // No plan because this run could not read the target (credentials, permissions, throttling):
    // the action still stands, and whoever has the access can plan and approve it.
    if (planned.decision === 'refused' && UNREADABLE.includes(planned.code ?? '')) return { ...base, state: 'proposed', status: `awaiting approval; not planned here: ${planned.reason}`, command: approve };
    if (planned.decision === 'refused') return { ...base, state: 'refused', status: `refused: ${planned.reason}`, command: '' };
    const status = planned.decision === 'auto' ? `would run automatically (preview: nothing executed): ${planned.reason}` : `awaiting approval: ${planned.reason}`;
    return { ...base, state: 'proposed', status, command: planned.plan?.calls.length === 0 ? '' : approve };
  }

  private executed(e: ExecutionOutcome, planned: PlanResult, approve: string, where: CommandContext): ActionNote {
    const base = { action: e.action, target: e.target, plan: planned.plan === null ? '' : planSummary(planned.plan), execution: e.id };
    const undo = rollbackCommand(e.id, where);
    switch (e.status) {
      case 'succeeded':
        return { ...base, state: 'executed', verified: e.verified, status: `executed automatically (${e.id}): ${e.reason}; ${e.verified ? 'verified by reading back' : `not verified: ${e.verification}`}`, command: e.plan?.calls.length === 0 ? '' : undo };
      case 'failed':
        return { ...base, state: 'failed', status: `failed (${e.id}): ${e.reason}`, command: approve };
      case 'duplicate':
      case 'rolled-back':
      case 'running':
        return { ...base, state: 'duplicate', status: e.reason, command: '' };
      default:
        // Refused at execution: needs approval after all, dry run, blast radius, stale.
        return { ...base, state: 'refused', status: `not executed: ${e.reason}`, command: e.reason.startsWith('dry-run') || e.reason.startsWith('blast-radius') ? approve : '' };
    }
  }

  /**
   * After delivery: queues the Security Hub update of a finding people were told about (`sent`
   * says whether any message went out): RESOLVED when an automatic remediation was verified,
   * else NOTIFIED unless Security Hub already has it further along.
   */
  told(finding: Finding, analysis: Analysis, notes: readonly ActionNote[], sent: boolean): void {
    const writer = this.options.writer;
    if (writer === undefined || this.options.preview === true || finding.resolved !== undefined) return;
    const remediated = notes.filter((n) => n.state === 'executed' && n.verified === true);
    if (remediated.length > 0) {
      writer.add(finding, 'RESOLVED', resolvedNote(analysis, remediated.map((n) => ({ ...n, id: n.execution ?? '?' }))));
      return;
    }
    if (!sent || ['NOTIFIED', 'RESOLVED', 'SUPPRESSED'].includes(finding.workflowStatus ?? '')) return;
    writer.add(finding, 'NOTIFIED', notifiedNote(analysis, notes.filter((n) => n.state === 'proposed')));
  }

  /** The run's totals for stderr, or undefined when no action was decided about. */
  summary(): string | undefined {
    const parts = Object.entries(this.counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`);
    return parts.length === 0 ? undefined : `firebreak: response: ${parts.join(', ')}\n`;
  }

  /** Sends the queued Security Hub updates; undefined when write-back is off. */
  async flush(): Promise<WritebackReport | undefined> {
    return this.options.writer?.flush();
  }

  close(): void {
    this.options.close?.();
  }
}
