/** IAM remediation actions. */
import { partitionOf } from '../aws.js';
import { ResponseError, orAbsent } from '../errors.js';
import { ref } from '../plan.js';
import { type ActionContext, type ActionDefinition, type TargetState, tagRecord } from './types.js';

const NAME = /^[\w+=,.@-]{1,128}$/;

/** The inline policy `iam:revoke-role-sessions` puts on the role. */
export const REVOKE_POLICY = 'firebreak-revoke-older-sessions';

/** `fn`'s answer, or `missing` when IAM says the entity does not exist. */
const orMissing = <T, M>(fn: () => Promise<T>, missing: M): Promise<T | M> => orAbsent(fn, missing, 'NoSuchEntity', 'NoSuchEntityException');

interface KeyState extends TargetState {
  user: string;
  key: string;
  status: string;
}

const deactivateKey: ActionDefinition<KeyState> = {
  name: 'iam:deactivate-access-key',
  risk: 'contain',
  description: 'Set the access key to Inactive.',
  rollback: 'Set the access key back to Active.',
  target: 'accessKeyId',
  targetPattern: /^AKIA[A-Z0-9]{12,124}$/,
  permissions: ['iam:GetAccessKeyLastUsed', 'iam:ListAccessKeys', 'iam:GetUser', 'iam:UpdateAccessKey'],
  reversible: true,
  async read(ctx, target) {
    const used = await ctx.aws.call<{ UserName?: string }>('iam:GetAccessKeyLastUsed', { AccessKeyId: target });
    const user = used.UserName;
    if (user === undefined) throw new ResponseError('TargetNotFound', `access key ${target} belongs to no IAM user in account ${ctx.aws.account}`);
    const keys = await ctx.aws.call<{ AccessKeyMetadata?: { AccessKeyId?: string; Status?: string }[] }>('iam:ListAccessKeys', { UserName: user });
    const key = keys.AccessKeyMetadata?.find((k) => k.AccessKeyId === target);
    if (key === undefined) throw new ResponseError('TargetNotFound', `access key ${target} not found on user ${user}`);
    const u = await ctx.aws.call<{ User?: { Tags?: unknown } }>('iam:GetUser', { UserName: user });
    return { user, key: target, status: key.Status ?? 'Unknown', tags: tagRecord(u.User?.Tags) };
  },
  async plan(_ctx, target, state) {
    if (state.status === 'Inactive') return { calls: [], after: state };
    return { calls: [{ operation: 'iam:UpdateAccessKey', input: { UserName: state.user, AccessKeyId: target, Status: 'Inactive' } }], after: { ...state, status: 'Inactive' } };
  },
  undo(_ctx, target, before, now) {
    return before.status === 'Active' && now.status !== 'Active' ? [{ operation: 'iam:UpdateAccessKey', input: { UserName: before.user, AccessKeyId: target, Status: 'Active' } }] : [];
  },
};

interface SessionsState extends TargetState {
  role: string;
  policy: unknown;
}

/** The deny policy of `iam:revoke-role-sessions`: every session issued before `time`. */
const revokeDocument = (time: unknown): unknown => ({
  Version: '2012-10-17',
  Statement: [{ Sid: 'FirebreakRevokeOlderSessions', Effect: 'Deny', Action: '*', Resource: '*', Condition: { DateLessThan: { 'aws:TokenIssueTime': time } } }],
});

const parsePolicy = (doc: string | undefined): unknown => (doc === undefined ? null : (JSON.parse(decodeURIComponent(doc)) as unknown));

const revokeSessions: ActionDefinition<SessionsState> = {
  name: 'iam:revoke-role-sessions',
  risk: 'contain',
  description: 'Deny every session of the role issued before the execution (an inline policy on aws:TokenIssueTime).',
  rollback: 'Remove the inline revocation policy (or restore the one it replaced).',
  target: 'principalName',
  targetPattern: NAME,
  permissions: ['iam:GetRole', 'iam:GetRolePolicy', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy'],
  reversible: true,
  async read(ctx, target) {
    const role = await ctx.aws.call<{ Role?: { Tags?: unknown } }>('iam:GetRole', { RoleName: target });
    const policy = await orMissing(() => ctx.aws.call<{ PolicyDocument?: string }>('iam:GetRolePolicy', { RoleName: target, PolicyName: REVOKE_POLICY }), null);
    return { role: target, policy: parsePolicy(policy?.PolicyDocument), tags: tagRecord(role.Role?.Tags) };
  },
  async plan(_ctx, target, state) {
    const document = revokeDocument(ref('execution.time'));
    return { calls: [{ operation: 'iam:PutRolePolicy', input: { RoleName: target, PolicyName: REVOKE_POLICY, PolicyDocument: { $json: document } } }], after: { ...state, policy: document } };
  },
  undo(_ctx, target, before) {
    if (before.policy === null) return [{ operation: 'iam:DeleteRolePolicy', input: { RoleName: target, PolicyName: REVOKE_POLICY } }];
    return [{ operation: 'iam:PutRolePolicy', input: { RoleName: target, PolicyName: REVOKE_POLICY, PolicyDocument: JSON.stringify(before.policy) } }];
  },
};

interface QuarantineState extends TargetState {
  kind: 'user' | 'role';
  name: string;
  denyAll: boolean;
}

/** The AWS managed policy that denies every action. */
const denyAllArn = (ctx: ActionContext): string => `arn:${partitionOf(ctx.aws.region)}:iam::aws:policy/AWSDenyAll`;

const quarantine: ActionDefinition<QuarantineState> = {
  name: 'iam:quarantine-principal',
  risk: 'contain',
  description: 'Attach the AWS managed deny-all policy (AWSDenyAll) to the user or role.',
  rollback: 'Detach the deny-all policy.',
  target: 'principalName',
  targetPattern: NAME,
  permissions: ['iam:GetUser', 'iam:GetRole', 'iam:ListAttachedUserPolicies', 'iam:ListAttachedRolePolicies', 'iam:AttachUserPolicy', 'iam:DetachUserPolicy', 'iam:AttachRolePolicy', 'iam:DetachRolePolicy'],
  reversible: true,
  async read(ctx, target) {
    const type = ctx.finding.ids.principalType;
    if (type === 'Root') throw new ResponseError('ActionRefused', 'the root user cannot be given an IAM policy; secure it by hand (see the steps)');
    let kind: 'user' | 'role' | undefined = type === 'IAMUser' ? 'user' : type === 'Role' || type === 'AssumedRole' ? 'role' : undefined;
    let tags: unknown;
    if (kind !== 'role') {
      const u = await orMissing(() => ctx.aws.call<{ User?: { Tags?: unknown } }>('iam:GetUser', { UserName: target }), undefined);
      if (u !== undefined) [kind, tags] = ['user', u.User?.Tags];
    }
    if (kind !== 'user') {
      const r = await orMissing(() => ctx.aws.call<{ Role?: { Tags?: unknown } }>('iam:GetRole', { RoleName: target }), undefined);
      if (r === undefined) throw new ResponseError('TargetNotFound', `no IAM user or role named ${target} in account ${ctx.aws.account}`);
      [kind, tags] = ['role', r.Role?.Tags];
    }
    const listed = await ctx.aws.call<{ AttachedPolicies?: { PolicyArn?: string }[] }>(kind === 'user' ? 'iam:ListAttachedUserPolicies' : 'iam:ListAttachedRolePolicies', kind === 'user' ? { UserName: target } : { RoleName: target });
    return { kind, name: target, denyAll: (listed.AttachedPolicies ?? []).some((p) => p.PolicyArn === denyAllArn(ctx)), tags: tagRecord(tags) };
  },
  async plan(ctx, target, state) {
    if (state.denyAll) return { calls: [], after: state };
    const input = state.kind === 'user' ? { UserName: target, PolicyArn: denyAllArn(ctx) } : { RoleName: target, PolicyArn: denyAllArn(ctx) };
    return { calls: [{ operation: state.kind === 'user' ? 'iam:AttachUserPolicy' : 'iam:AttachRolePolicy', input }], after: { ...state, denyAll: true } };
  },
  undo(ctx, target, before, now) {
    if (before.denyAll || !now.denyAll) return [];
    const input = before.kind === 'user' ? { UserName: target, PolicyArn: denyAllArn(ctx) } : { RoleName: target, PolicyArn: denyAllArn(ctx) };
    return [{ operation: before.kind === 'user' ? 'iam:DetachUserPolicy' : 'iam:DetachRolePolicy', input }];
  },
};

interface LoginState extends TargetState {
  user: string;
  loginProfile: boolean;
}

const deleteLogin: ActionDefinition<LoginState> = {
  name: 'iam:delete-login-profile',
  risk: 'disruptive',
  description: "Remove the user's console password.",
  rollback: 'None: the password is gone; a new one must be set with iam:CreateLoginProfile.',
  target: 'principalName',
  targetPattern: NAME,
  permissions: ['iam:GetUser', 'iam:GetLoginProfile', 'iam:DeleteLoginProfile'],
  reversible: false,
  async read(ctx, target) {
    const u = await ctx.aws.call<{ User?: { Tags?: unknown } }>('iam:GetUser', { UserName: target });
    const profile = await orMissing(() => ctx.aws.call('iam:GetLoginProfile', { UserName: target }), null);
    return { user: target, loginProfile: profile !== null, tags: tagRecord(u.User?.Tags) };
  },
  async plan(_ctx, target, state) {
    if (!state.loginProfile) return { calls: [], after: state };
    return { calls: [{ operation: 'iam:DeleteLoginProfile', input: { UserName: target } }], after: { ...state, loginProfile: false } };
  },
  undo: () => [],
};

export const iamActions = [deactivateKey, revokeSessions, quarantine, deleteLogin] as readonly ActionDefinition[];
