/**
 * Least privilege as data: the IAM policy document the enabled actions need, built from the
 * permissions each action declares (the AWS deployment uses the same function).
 */
import { type ActionDeclaration, getAction, listActions } from './registry.js';

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string | string[] }[];
}

/**
 * The policy for `names` (every action when empty; an unknown name throws with the valid ones).
 * With `assumeRole`, the role may be assumed in member accounts; with `updateFindings`, findings
 * may be written back to Security Hub.
 */
export function iamPolicy(names: readonly string[], extras: { assumeRole?: string; updateFindings?: boolean } = {}): PolicyDocument {
  const actions: ActionDeclaration[] = names.length === 0 ? listActions() : names.map((n) => getAction(n));
  const permissions = [...new Set(actions.flatMap((a) => a.permissions))].sort();
  const statements: PolicyDocument['Statement'] = [{ Sid: 'FirebreakActions', Effect: 'Allow', Action: permissions, Resource: '*' }];
  if (extras.updateFindings === true) statements.push({ Sid: 'FirebreakSecurityHubWriteBack', Effect: 'Allow', Action: ['securityhub:BatchUpdateFindings'], Resource: '*' });
  if (extras.assumeRole !== undefined) statements.push({ Sid: 'FirebreakMemberAccounts', Effect: 'Allow', Action: ['sts:AssumeRole'], Resource: `arn:aws:iam::*:role/${extras.assumeRole}` });
  return { Version: '2012-10-17', Statement: statements };
}
