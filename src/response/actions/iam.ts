/** IAM remediation actions. */
import type { ActionDefinition } from './types.js';

const NAME = /^[\w+=,.@-]{1,128}$/;

export const iamActions: readonly ActionDefinition[] = [
  {
    name: 'iam:deactivate-access-key',
    risk: 'contain',
    description: 'Set the access key to Inactive.',
    rollback: 'Set the access key back to Active.',
    target: 'accessKeyId',
    targetPattern: /^AKIA[A-Z0-9]{12,124}$/,
    permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey', 'iam:GetAccessKeyLastUsed'],
  },
  {
    name: 'iam:revoke-role-sessions',
    risk: 'contain',
    description: 'Deny every session of the role issued before now (an inline policy on aws:TokenIssueTime).',
    rollback: 'Remove the inline revocation policy.',
    target: 'principalName',
    targetPattern: NAME,
    permissions: ['iam:GetRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy'],
  },
  {
    name: 'iam:quarantine-principal',
    risk: 'contain',
    description: 'Attach a deny-all policy to the user or role.',
    rollback: 'Detach the deny-all policy.',
    target: 'principalName',
    targetPattern: NAME,
    permissions: ['iam:GetUser', 'iam:GetRole', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  },
  {
    name: 'iam:delete-login-profile',
    risk: 'disruptive',
    description: "Remove the user's console password.",
    rollback: 'None: a new password must be set with iam:CreateLoginProfile.',
    target: 'principalName',
    targetPattern: NAME,
    permissions: ['iam:GetLoginProfile', 'iam:DeleteLoginProfile'],
  },
];
