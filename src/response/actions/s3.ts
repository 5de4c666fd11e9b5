/** S3 remediation actions: Block Public Access (bucket and account) and a TLS-only bucket policy. */
import { partitionOf } from '../aws.js';
import { orAbsent } from '../errors.js';
import type { Call } from '../plan.js';
import { ACCOUNT_ID, type ActionContext, type ActionDefinition, type TargetState, tagRecord } from './types.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const FLAGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const;
type Block = Record<(typeof FLAGS)[number], boolean>;
const ALL_ON: Block = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };

/** The four settings as booleans, or null when none are set. */
const blockOf = (c: Partial<Record<string, unknown>> | undefined): Block | null => (c === undefined ? null : (Object.fromEntries(FLAGS.map((f) => [f, c[f] === true])) as Block));

async function bucketTags(ctx: ActionContext, bucket: string): Promise<Record<string, string>> {
  const r = await orAbsent(() => ctx.aws.call<{ TagSet?: unknown }>('s3:GetBucketTagging', { Bucket: bucket }), null, 'NoSuchTagSet', 'NoSuchTagSetError');
  return tagRecord(r?.TagSet);
}

interface BlockState extends TargetState {
  block: Block | null;
}

/** Where a public access block lives: on a bucket (S3) or on the account (S3 Control). */
interface BlockScope {
  service: 's3' | 's3control';
  key: 'Bucket' | 'AccountId';
}
const ON_BUCKET: BlockScope = { service: 's3', key: 'Bucket' };
const ON_ACCOUNT: BlockScope = { service: 's3control', key: 'AccountId' };

/** The settings of the bucket or account `target`, or null when none are set. */
async function readBlock(ctx: ActionContext, scope: BlockScope, target: string): Promise<Block | null> {
  const r = await orAbsent(() => ctx.aws.call<{ PublicAccessBlockConfiguration?: Partial<Block> }>(`${scope.service}:GetPublicAccessBlock`, { [scope.key]: target }), null, 'NoSuchPublicAccessBlockConfiguration');
  return blockOf(r?.PublicAccessBlockConfiguration);
}

/** All four settings on, unless they are already. */
function planBlock<S extends BlockState>(scope: BlockScope, target: string, state: S): { calls: Call[]; after: S } {
  if (state.block !== null && FLAGS.every((f) => state.block?.[f])) return { calls: [], after: state };
  return { calls: [{ operation: `${scope.service}:PutPublicAccessBlock`, input: { [scope.key]: target, PublicAccessBlockConfiguration: ALL_ON } }], after: { ...state, block: ALL_ON } };
}

/** Back to the recorded settings, or to none when there were none. */
function undoBlock(scope: BlockScope, target: string, before: BlockState): Call[] {
  if (before.block === null) return [{ operation: `${scope.service}:DeletePublicAccessBlock`, input: { [scope.key]: target } }];
  return [{ operation: `${scope.service}:PutPublicAccessBlock`, input: { [scope.key]: target, PublicAccessBlockConfiguration: before.block } }];
}

const blockPublic: ActionDefinition<BlockState & { bucket: string }> = {
  name: 's3:block-public-access',
  risk: 'contain',
  description: 'Turn on all four bucket-level Block Public Access settings.',
  rollback: 'Restore the recorded bucket-level settings (or remove them when there were none).',
  target: 'bucketName',
  targetPattern: BUCKET,
  permissions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock', 's3:GetBucketTagging'],
  reversible: true,
  async read(ctx, target) {
    return { bucket: target, block: await readBlock(ctx, ON_BUCKET, target), tags: await bucketTags(ctx, target) };
  },
  plan: async (_ctx, target, state) => planBlock(ON_BUCKET, target, state),
  undo: (_ctx, target, before) => undoBlock(ON_BUCKET, target, before),
};

const blockAccount: ActionDefinition<BlockState & { account: string }> = {
  name: 's3:block-account-public-access',
  risk: 'harden',
  description: 'Turn on all four account-level S3 Block Public Access settings.',
  rollback: 'Restore the recorded account-level settings (or remove them when there were none).',
  target: 'account',
  targetPattern: ACCOUNT_ID,
  permissions: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock'],
  reversible: true,
  async read(ctx, target) {
    return { account: target, block: await readBlock(ctx, ON_ACCOUNT, target) };
  },
  plan: async (_ctx, target, state) => planBlock(ON_ACCOUNT, target, state),
  undo: (_ctx, target, before) => undoBlock(ON_ACCOUNT, target, before),
};

/** The statement `s3:require-tls` adds. */
export const TLS_SID = 'FirebreakRequireTLS';

interface PolicyDoc {
  Version?: string;
  Statement?: { Sid?: string; Effect?: string; Condition?: { Bool?: Record<string, unknown> } }[];
  [key: string]: unknown;
}

interface TlsState extends TargetState {
  bucket: string;
  policy: PolicyDoc | null;
}

/** Whether the policy already denies requests without TLS. */
const deniesPlainHttp = (p: PolicyDoc | null): boolean =>
  (p?.Statement ?? []).some((s) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false');

const requireTls: ActionDefinition<TlsState> = {
  name: 's3:require-tls',
  risk: 'harden',
  description: 'Add a bucket policy statement denying requests with aws:SecureTransport false (the rest of the policy stays).',
  rollback: 'Remove the added statement (deleting the policy when it was the only one).',
  target: 'bucketName',
  targetPattern: BUCKET,
  permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketTagging'],
  reversible: true,
  async read(ctx, target) {
    const r = await orAbsent(() => ctx.aws.call<{ Policy?: string }>('s3:GetBucketPolicy', { Bucket: target }), null, 'NoSuchBucketPolicy');
    const policy = r?.Policy === undefined ? null : (JSON.parse(r.Policy) as PolicyDoc);
    return { bucket: target, policy, tags: await bucketTags(ctx, target) };
  },
  async plan(ctx, target, state) {
    if (deniesPlainHttp(state.policy)) return { calls: [], after: state };
    const partition = partitionOf(ctx.aws.region);
    const statement = {
      Sid: TLS_SID,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:${partition}:s3:::${target}`, `arn:${partition}:s3:::${target}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    };
    const policy: PolicyDoc = { Version: '2012-10-17', ...(state.policy ?? {}), Statement: [...(state.policy?.Statement ?? []), statement] };
    return { calls: [{ operation: 's3:PutBucketPolicy', input: { Bucket: target, Policy: { $json: policy } } }], after: { ...state, policy } };
  },
  undo(_ctx, target, _before, now) {
    const statements = (now.policy?.Statement ?? []).filter((s) => s.Sid !== TLS_SID);
    if (now.policy === null || statements.length === now.policy.Statement?.length) return [];
    if (statements.length === 0) return [{ operation: 's3:DeleteBucketPolicy', input: { Bucket: target } }];
    return [{ operation: 's3:PutBucketPolicy', input: { Bucket: target, Policy: JSON.stringify({ ...now.policy, Statement: statements }) } }];
  },
};

export const s3Actions = [blockPublic, blockAccount, requireTls] as readonly ActionDefinition[];
