/** Remediation actions for WAF, RDS, Lambda, KMS and CloudTrail. */
import { ResponseError, isAwsError, orAbsent } from '../errors.js';
import type { Call } from '../plan.js';
import { type ActionContext, type ActionDefinition, IP_ADDRESS, type TargetState, hostCidr, tagRecord } from './types.js';

/** How many times a WAF update is tried when another writer changed the IP set in between. */
const WAF_ATTEMPTS = 5;

function ipSetOf(ctx: ActionContext): { Name: string; Id: string; Scope: string } {
  const set = ctx.settings.wafIpSet;
  if (set === undefined) throw new ResponseError('ActionRefused', 'wafv2:block-ip needs the IP set to add addresses to: set response.wafIpSet {name, id, scope}');
  return { Name: set.name, Id: set.id, Scope: set.scope };
}

interface IpSetState extends TargetState {
  ipSet: string;
  address: string;
  listed: boolean;
}

interface IpSet {
  IPSet?: { Addresses?: string[]; IPAddressVersion?: string; Description?: string };
  LockToken?: string;
}

const wafBlock: ActionDefinition<IpSetState> = {
  name: 'wafv2:block-ip',
  risk: 'contain',
  description: 'Add the remote IP to the configured WAF IP set (its other addresses stay).',
  rollback: 'Remove the IP from the IP set.',
  target: 'remoteIp',
  targetPattern: IP_ADDRESS,
  permissions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'],
  reversible: true,
  async read(ctx, target) {
    const id = ipSetOf(ctx);
    const r = await ctx.aws.call<IpSet>('wafv2:GetIPSet', id);
    const version = target.includes(':') ? 'IPV6' : 'IPV4';
    if (r.IPSet?.IPAddressVersion !== undefined && r.IPSet.IPAddressVersion !== version) {
      throw new ResponseError('ActionRefused', `IP set ${id.Name} holds ${r.IPSet.IPAddressVersion} addresses; ${target} is ${version}`);
    }
    const address = hostCidr(target);
    return { ipSet: `${id.Scope}/${id.Name}/${id.Id}`, address, listed: (r.IPSet?.Addresses ?? []).includes(address) };
  },
  async plan(ctx, _target, state) {
    if (state.listed) return { calls: [], after: state };
    return { calls: [{ operation: 'wafv2:UpdateIPSet', input: { ...ipSetOf(ctx), AddAddresses: [state.address] } }], after: { ...state, listed: true } };
  },
  undo(ctx, _target, before, now) {
    return !before.listed && now.listed ? [{ operation: 'wafv2:UpdateIPSet', input: { ...ipSetOf(ctx), RemoveAddresses: [before.address] } }] : [];
  },
  /** Reads the set, changes its addresses and writes them with the lock token; when another writer came between, reads again. */
  async perform(ctx, call) {
    const { AddAddresses, RemoveAddresses, ...id } = call.input as { AddAddresses?: string[]; RemoveAddresses?: string[]; Name: string; Id: string; Scope: string };
    for (let attempt = 1; ; attempt += 1) {
      const r = await ctx.aws.call<IpSet>('wafv2:GetIPSet', id);
      const addresses = new Set(r.IPSet?.Addresses ?? []);
      for (const a of AddAddresses ?? []) addresses.add(a);
      for (const a of RemoveAddresses ?? []) addresses.delete(a);
      const description = r.IPSet?.Description;
      try {
        return await ctx.aws.call('wafv2:UpdateIPSet', { ...id, Addresses: [...addresses], LockToken: r.LockToken, ...(description === undefined || description === '' ? {} : { Description: description }) });
      } catch (err) {
        if (!isAwsError(err, 'WAFOptimisticLockException') || attempt >= WAF_ATTEMPTS) throw err;
      }
    }
  },
};

interface RdsSnapshotState extends TargetState {
  snapshot: string;
  restore: string[];
}

const rdsSnapshotPrivate: ActionDefinition<RdsSnapshotState> = {
  name: 'rds:make-snapshot-private',
  risk: 'harden',
  description: 'Remove public restore permission from a DB snapshot (accounts it is shared with keep it).',
  rollback: 'Restore the public restore permission.',
  target: 'dbSnapshotIdentifier',
  targetPattern: /^[A-Za-z][A-Za-z0-9:-]{0,254}$/,
  permissions: ['rds:DescribeDBSnapshotAttributes', 'rds:ModifyDBSnapshotAttribute'],
  reversible: true,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ DBSnapshotAttributesResult?: { DBSnapshotAttributes?: { AttributeName?: string; AttributeValues?: string[] }[] } }>('rds:DescribeDBSnapshotAttributes', { DBSnapshotIdentifier: target });
    const restore = r.DBSnapshotAttributesResult?.DBSnapshotAttributes?.find((a) => a.AttributeName === 'restore')?.AttributeValues ?? [];
    return { snapshot: target, restore: [...restore].sort() };
  },
  async plan(_ctx, target, state) {
    if (!state.restore.includes('all')) return { calls: [], after: state };
    return { calls: [{ operation: 'rds:ModifyDBSnapshotAttribute', input: { DBSnapshotIdentifier: target, AttributeName: 'restore', ValuesToRemove: ['all'] } }], after: { ...state, restore: state.restore.filter((v) => v !== 'all') } };
  },
  undo(_ctx, target, before, now) {
    return before.restore.includes('all') && !now.restore.includes('all') ? [{ operation: 'rds:ModifyDBSnapshotAttribute', input: { DBSnapshotIdentifier: target, AttributeName: 'restore', ValuesToAdd: ['all'] } }] : [];
  },
};

interface RdsPublicState extends TargetState {
  instance: string;
  publiclyAccessible: boolean;
}

const rdsPrivate: ActionDefinition<RdsPublicState> = {
  name: 'rds:disable-public-access',
  risk: 'harden',
  description: 'Set PubliclyAccessible to false on the DB instance, applied immediately.',
  rollback: 'Set PubliclyAccessible back to true.',
  target: 'dbInstanceIdentifier',
  targetPattern: /^[A-Za-z][A-Za-z0-9-]{0,62}$/,
  permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
  reversible: true,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ DBInstances?: { PubliclyAccessible?: boolean; TagList?: unknown }[] }>('rds:DescribeDBInstances', { DBInstanceIdentifier: target });
    const db = r.DBInstances?.[0];
    if (db === undefined) throw new ResponseError('TargetNotFound', `DB instance ${target} not found`);
    return { instance: target, publiclyAccessible: db.PubliclyAccessible === true, tags: tagRecord(db.TagList) };
  },
  async plan(_ctx, target, state) {
    if (!state.publiclyAccessible) return { calls: [], after: state };
    return { calls: [{ operation: 'rds:ModifyDBInstance', input: { DBInstanceIdentifier: target, PubliclyAccessible: false, ApplyImmediately: true } }], after: { ...state, publiclyAccessible: false } };
  },
  undo(_ctx, target, before, now) {
    return before.publiclyAccessible && !now.publiclyAccessible ? [{ operation: 'rds:ModifyDBInstance', input: { DBInstanceIdentifier: target, PubliclyAccessible: true, ApplyImmediately: true } }] : [];
  },
};

interface Statement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** Open to everyone: principal `*` with no condition naming a source account, ARN or organization. */
function isPublic(s: Statement): boolean {
  const p = s.Principal;
  const everyone = p === '*' || (typeof p === 'object' && p !== null && (p as { AWS?: unknown }).AWS === '*');
  if (!everyone || s.Effect !== 'Allow') return false;
  const keys = Object.values(s.Condition ?? {}).flatMap((c) => Object.keys(c).map((k) => k.toLowerCase()));
  return !keys.some((k) => ['aws:sourceaccount', 'aws:sourcearn', 'aws:principalorgid', 'aws:sourceowner'].includes(k));
}

interface LambdaState extends TargetState {
  function: string;
  statements: Statement[];
}

const lambdaPrivate: ActionDefinition<LambdaState> = {
  name: 'lambda:remove-public-access',
  risk: 'harden',
  description: "Remove the statements granting access to everyone from the function's resource policy (the others stay).",
  rollback: 'Add the removed statements back.',
  target: 'functionName',
  targetPattern: /^[A-Za-z0-9_-]{1,140}$/,
  permissions: ['lambda:GetFunction', 'lambda:GetPolicy', 'lambda:RemovePermission', 'lambda:AddPermission'],
  reversible: true,
  async read(ctx, target) {
    const fn = await ctx.aws.call<{ Tags?: Record<string, string> }>('lambda:GetFunction', { FunctionName: target });
    // The function exists (GetFunction said so): "not found" here means it has no policy.
    const r = await orAbsent(() => ctx.aws.call<{ Policy?: string }>('lambda:GetPolicy', { FunctionName: target }), null, 'ResourceNotFoundException');
    const policy = JSON.parse(r?.Policy ?? '{}') as { Statement?: Statement[] };
    const statements = [...(policy.Statement ?? [])].sort((a, b) => (a.Sid ?? '').localeCompare(b.Sid ?? ''));
    return { function: target, statements, tags: { ...(fn.Tags ?? {}) } };
  },
  async plan(_ctx, target, state) {
    const open = state.statements.filter(isPublic);
    if (open.some((s) => s.Sid === undefined)) throw new ResponseError('ActionRefused', `a public statement of ${target}'s policy has no Sid; it cannot be removed with lambda:RemovePermission`);
    if (open.length === 0) return { calls: [], after: state };
    return { calls: open.map((s) => ({ operation: 'lambda:RemovePermission', input: { FunctionName: target, StatementId: s.Sid } })), after: { ...state, statements: state.statements.filter((s) => !isPublic(s)) } };
  },
  undo(_ctx, target, before, now) {
    const gone = before.statements.filter((s) => isPublic(s) && !now.statements.some((n) => n.Sid === s.Sid));
    return gone.map((s): Call => {
      const action = Array.isArray(s.Action) ? String(s.Action[0]) : String(s.Action);
      const urlAuth = s.Condition?.StringEquals?.['lambda:FunctionUrlAuthType'];
      return { operation: 'lambda:AddPermission', input: { FunctionName: target, StatementId: s.Sid, Action: action, Principal: '*', ...(typeof urlAuth === 'string' ? { FunctionUrlAuthType: urlAuth } : {}) } };
    });
  },
};

interface RotationState extends TargetState {
  key: string;
  rotation: boolean;
}

const kmsRotation: ActionDefinition<RotationState> = {
  name: 'kms:enable-key-rotation',
  risk: 'harden',
  description: 'Enable automatic yearly rotation of the KMS key.',
  rollback: 'Disable key rotation.',
  target: 'keyId',
  targetPattern: /^[0-9a-f-]{36}$|^mrk-[0-9a-f]{32}$/,
  permissions: ['kms:GetKeyRotationStatus', 'kms:ListResourceTags', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation'],
  reversible: true,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ KeyRotationEnabled?: boolean }>('kms:GetKeyRotationStatus', { KeyId: target });
    const t = await ctx.aws.call<{ Tags?: { TagKey?: string; TagValue?: string }[] }>('kms:ListResourceTags', { KeyId: target });
    return { key: target, rotation: r.KeyRotationEnabled === true, tags: tagRecord((t.Tags ?? []).map((x) => ({ Key: x.TagKey, Value: x.TagValue }))) };
  },
  async plan(_ctx, target, state) {
    if (state.rotation) return { calls: [], after: state };
    return { calls: [{ operation: 'kms:EnableKeyRotation', input: { KeyId: target } }], after: { ...state, rotation: true } };
  },
  undo(_ctx, target, before, now) {
    return !before.rotation && now.rotation ? [{ operation: 'kms:DisableKeyRotation', input: { KeyId: target } }] : [];
  },
};

interface TrailState extends TargetState {
  trail: string;
  logging: boolean;
}

const trailLogging: ActionDefinition<TrailState> = {
  name: 'cloudtrail:enable-logging',
  risk: 'harden',
  description: 'Start logging on the trail.',
  rollback: 'None needed: logging only adds records (stop it by hand with cloudtrail:StopLogging if it must be).',
  target: 'trailName',
  targetPattern: /^[A-Za-z0-9._-]{3,128}$/,
  permissions: ['cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'],
  reversible: false,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ IsLogging?: boolean }>('cloudtrail:GetTrailStatus', { Name: target });
    return { trail: target, logging: r.IsLogging === true };
  },
  async plan(_ctx, target, state) {
    if (state.logging) return { calls: [], after: state };
    return { calls: [{ operation: 'cloudtrail:StartLogging', input: { Name: target } }], after: { ...state, logging: true } };
  },
  undo: () => [],
};

export const otherActions = [wafBlock, rdsSnapshotPrivate, rdsPrivate, lambdaPrivate, kmsRotation, trailLogging] as readonly ActionDefinition[];
