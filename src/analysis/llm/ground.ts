/**
 * Grounding a model's proposed actions. Whatever the model says, an action survives only when it
 * is in firebreak's vocabulary, its target equals a structured identifier of the right kind in
 * this finding, and the policy allows it. Everything else is dropped and reported, never widened.
 */
import type { Finding } from '../../findings/model.js';
import { findAction } from '../../response/registry.js';
import { cleanText } from '../playbooks/render.js';
import type { ProposedAction, RejectedProposal } from '../types.js';
import type { Answer } from './answer.js';
import { Placeholders } from './redact.js';


/** What a model may propose beyond the vocabulary and grounding checks. */
export interface ActionPolicy {
  /** Let a model propose `disruptive` actions (never executed automatically either way). */
  allowDisruptive: boolean;
  /** In hybrid mode, accept grounded actions the playbook did not propose. */
  modelActionsInHybrid: boolean;
}

export const DEFAULT_POLICY: ActionPolicy = { allowDisruptive: false, modelActionsInHybrid: false };

/** The finding's structured values for a target kind, with whether each belongs to the root user. */
function structuredValues(finding: Finding, kind: string): Map<string, { root: boolean }> {
  const out = new Map<string, { root: boolean }>();
  if (kind === 'account') out.set(finding.account, { root: false });
  for (const r of finding.resources) {
    const v = r.ids[kind];
    if (v === undefined) continue;
    for (const value of Array.isArray(v) ? v : [v]) out.set(value, { root: r.ids.principalType === 'Root' });
  }
  return out;
}

/** Checks every proposal; returns the accepted actions (in order, no repeats) and the rejected ones. */
export function groundActions(
  proposals: Answer['actions'],
  finding: Finding,
  placeholders: Placeholders,
  options: { mode: 'llm' | 'hybrid'; playbookActions?: readonly ProposedAction[]; policy: ActionPolicy },
): { accepted: ProposedAction[]; rejected: RejectedProposal[] } {
  const accepted: ProposedAction[] = [];
  const rejected: RejectedProposal[] = [];
  const seen = new Set<string>();
  const inPlaybook = new Set((options.playbookActions ?? []).map((a) => `${a.action}\u0000${a.target}`));
  for (const p of proposals) {
    const restored = Placeholders.isToken(p.target) ? placeholders.valueOf(p.target) : p.target;
    const shown = cleanText(restored ?? p.target, 256);
    const reject = (reason: string): void => {
      rejected.push({ action: cleanText(p.action, 64), target: shown, reason });
    };
    const def = findAction(p.action);
    if (def === undefined) {
      reject('unknown action: not in the action vocabulary');
      continue;
    }
    if (restored === undefined) {
      reject(`target ${cleanText(p.target, 64)} is not an identifier of this finding`);
      continue;
    }
    const values = structuredValues(finding, def.target);
    const hit = values.get(restored);
    if (hit === undefined) {
      reject(`target is not a ${def.target} in the finding's structured resource fields`);
      continue;
    }
    if (!def.targetPattern.test(restored)) {
      reject(`target does not look like a ${def.target}`);
      continue;
    }
    if (hit.root) {
      reject('policy: the root user is handled by people, never by an action');
      continue;
    }
    if (def.risk === 'disruptive' && !options.policy.allowDisruptive) {
      reject('policy: disruptive actions are not accepted from a model');
      continue;
    }
    const key = `${def.name}\u0000${restored}`;
    if (options.mode === 'hybrid' && !inPlaybook.has(key) && !options.policy.modelActionsInHybrid) {
      reject('policy: in hybrid mode actions come from the playbook');
      continue;
    }
    if (seen.has(key)) continue;
    seen.add(key);
    accepted.push({ action: def.name, target: restored, risk: def.risk, reason: cleanText(placeholders.restore(p.reason), 300) });
  }
  return { accepted, rejected };
}
