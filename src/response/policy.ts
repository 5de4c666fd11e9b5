/**
 * The response policy (`response:` in `firebreak.yaml`) and the decision it makes for each
 * proposed action: `propose` (a person approves), `auto` (within policy) or `refused`, always
 * with the reason. What needs the live resource (protection tags, the blast radius) is checked
 * by the engine.
 */
import { z } from 'zod';
import { duration } from '../routing/config.js';
import type { ResponseMode } from '../routing/config.js';
import type { ActionSettings, Risk } from './actions/types.js';
import { findAction, listActions } from './registry.js';

const RISKS = ['contain', 'harden', 'disruptive'] as const;

/** The `response:` section. */
export const responseSchema = z
  .strictObject({
    /** Plan only: nothing is executed, by anyone. */
    dryRun: z.boolean().default(false),
    /** The highest risk an `auto` route executes without a person. */
    maxAutoRisk: z.enum(['contain', 'harden']).default('contain'),
    /** Disruptive actions an `auto` route may still execute, by name. */
    autoDisruptive: z.array(z.string()).default([]),
    /** A target carrying this tag with the value `true` is never acted on. */
    protectTag: z.string().min(1).default('firebreak:protect'),
    /** Accounts never acted on. */
    protectedAccounts: z.array(z.string().regex(/^\d{12}$/, 'must be a 12-digit account id')).default([]),
    /** At most this many executions per account per hour. */
    blastRadius: z.number().int().min(1).default(10),
    /** How long an approval holds. */
    approvalTtl: duration.default(86_400_000),
    /** For findings in other accounts: the role to assume there. */
    assumeRole: z.strictObject({ name: z.string().regex(/^[\w+=,.@/-]{1,64}$/, 'must be an IAM role name'), externalId: z.string().min(2).max(1224).optional() }).optional(),
    quarantineSecurityGroup: z.string().min(1).max(255).default('firebreak-quarantine'),
    wafIpSet: z.strictObject({ name: z.string().min(1), id: z.string().min(1), scope: z.enum(['REGIONAL', 'CLOUDFRONT']).default('REGIONAL'), region: z.string().optional() }).optional(),
    /** Ports `ec2:revoke-public-ingress` leaves open to the internet. */
    allowedPublicPorts: z.array(z.number().int().min(0).max(65535)).default([80, 443]),
    /** Write Workflow.Status and a note back to Security Hub. */
    updateFindings: z.boolean().default(false),
  })
  .superRefine((r, ctx) => {
    for (const [i, name] of r.autoDisruptive.entries()) {
      const a = findAction(name);
      if (a === undefined) ctx.addIssue({ code: 'custom', path: ['autoDisruptive', i], message: `unknown action "${name}"; valid actions: ${listActions().map((x) => x.name).join(', ')}` });
      else if (a.risk !== 'disruptive') ctx.addIssue({ code: 'custom', path: ['autoDisruptive', i], message: `${name} is ${a.risk}, not disruptive: maxAutoRisk governs it` });
    }
  });

/** The response policy, defaults filled in. */
export type ResponsePolicy = z.infer<typeof responseSchema>;

/** The policy with every default: what applies when `firebreak.yaml` has no `response:`. */
export const DEFAULT_POLICY: ResponsePolicy = responseSchema.parse({});

/** What the actions need from the policy. */
export const actionSettings = (p: ResponsePolicy): ActionSettings => ({
  quarantineSecurityGroup: p.quarantineSecurityGroup,
  allowedPublicPorts: p.allowedPublicPorts,
  ...(p.wafIpSet === undefined ? {} : { wafIpSet: p.wafIpSet }),
});

/** What happens to one proposed action. */
export interface Decision {
  decision: 'propose' | 'auto' | 'refused';
  reason: string;
}

const rank = (r: Risk): number => RISKS.indexOf(r);

/** The decision of a route (`mode`, `route` its name) for an action of risk `risk`. */
export function decide(policy: ResponsePolicy, mode: ResponseMode, route: string | undefined, action: { name: string; risk: Risk }): Decision {
  const where = route === undefined ? 'no route' : `route "${route}"`;
  if (mode === 'notify') return { decision: 'refused', reason: `notify-only: ${where} tells people and proposes no action` };
  if (mode === 'propose') return { decision: 'propose', reason: route === undefined ? 'proposed for approval (no route decides otherwise)' : `${where} asks for approval` };
  if (action.risk === 'disruptive' && !policy.autoDisruptive.includes(action.name)) {
    return { decision: 'propose', reason: `${action.name} is disruptive: never automatic unless listed in response.autoDisruptive` };
  }
  if (action.risk !== 'disruptive' && rank(action.risk) > rank(policy.maxAutoRisk)) {
    return { decision: 'propose', reason: `${action.name} is ${action.risk}, above response.maxAutoRisk (${policy.maxAutoRisk})` };
  }
  return { decision: 'auto', reason: `${where} acts automatically up to ${policy.maxAutoRisk}` };
}
