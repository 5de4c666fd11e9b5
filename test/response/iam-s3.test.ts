/** IAM and S3 actions against moto: plan, execute, verify, repeat, roll back, and the state read independently. */
import {
  AttachRolePolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetRolePolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedRolePoliciesCommand,
  ListAttachedUserPoliciesCommand,
} from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetBucketPolicyCommand, GetPublicAccessBlockCommand, PutBucketPolicyCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../helpers/moto.js';
import { ACCOUNT, REGION, credentials, engineOn, findingAbout, lifecycle, motoWithCredentials } from './support.js';

let moto: Moto;
let iam: IAMClient;
let s3: S3Client;

beforeAll(async () => {
  moto = await motoWithCredentials();
  iam = new IAMClient({ region: REGION, endpoint: moto.endpoint, credentials });
  s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, credentials, forcePathStyle: true });
});
afterAll(async () => {
  iam.destroy();
  s3.destroy();
  await moto.stop();
});

const TRUST = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

/** What S3 answers, or the error's name when it answers with one. */
async function orError<T>(fn: () => Promise<T>): Promise<T | string> {
  try {
    return await fn();
  } catch (err) {
    return (err as Error).name;
  }
}

describe('iam:deactivate-access-key', () => {
  it('sets the key Inactive, and Active again', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'alice' }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey?.AccessKeyId as string;
    const other = (await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }))).AccessKey?.AccessKeyId as string;
    const observe = async (): Promise<unknown> => (await iam.send(new ListAccessKeysCommand({ UserName: 'alice' }))).AccessKeyMetadata?.map((k) => [k.AccessKeyId, k.Status]).sort();
    const finding = findingAbout([{ type: 'AwsIamAccessKey', ids: { accessKeyId: key, principalName: 'alice', principalType: 'IAMUser' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'iam:deactivate-access-key', target: key, mode: 'propose' }, observe);
    expect(executed).toEqual([[key, 'Inactive'], [other, 'Active']].sort());
  });
});

describe('iam:revoke-role-sessions', () => {
  it('puts a deny on tokens issued before the execution, and removes it', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'web-app', AssumeRolePolicyDocument: TRUST }));
    const observe = async (): Promise<unknown> => orError(async () => JSON.parse(decodeURIComponent((await iam.send(new GetRolePolicyCommand({ RoleName: 'web-app', PolicyName: 'firebreak-revoke-older-sessions' }))).PolicyDocument ?? '')) as unknown);
    const finding = findingAbout([{ type: 'AwsIamAccessKey', ids: { principalName: 'web-app', principalType: 'AssumedRole' } }]);
    const started = Date.now();
    const { before, executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'iam:revoke-role-sessions', target: 'web-app', mode: 'propose' }, observe);
    expect(before).toBe('NoSuchEntityException');
    const statement = (executed as { Statement: { Effect: string; Action: string; Condition: { DateLessThan: { 'aws:TokenIssueTime': string } } }[] }).Statement[0];
    expect(statement?.Effect).toBe('Deny');
    expect(statement?.Action).toBe('*');
    expect(Date.parse(statement?.Condition.DateLessThan['aws:TokenIssueTime'] ?? '')).toBeGreaterThanOrEqual(started - 1000);
  });
});

describe('iam:quarantine-principal', () => {
  it('attaches AWSDenyAll to a user and detaches it', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'mallory' }));
    const observe = async (): Promise<unknown> => (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'mallory' }))).AttachedPolicies?.map((p) => p.PolicyArn);
    const finding = findingAbout([{ type: 'AwsIamUser', ids: { principalName: 'mallory', principalType: 'IAMUser' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'iam:quarantine-principal', target: 'mallory', mode: 'propose' }, observe);
    expect(executed).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll']);
  });

  it('finds a role when the finding does not say which kind the principal is, and keeps its other policies', async () => {
    await iam.send(new CreateRoleCommand({ RoleName: 'batch', AssumeRolePolicyDocument: TRUST }));
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'batch', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const observe = async (): Promise<unknown> => (await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'batch' }))).AttachedPolicies?.map((p) => p.PolicyArn).sort();
    const finding = findingAbout([{ ids: { principalName: 'batch' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'iam:quarantine-principal', target: 'batch', mode: 'propose' }, observe);
    expect(executed).toEqual(['arn:aws:iam::aws:policy/AWSDenyAll', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  });
});

describe('iam:delete-login-profile', () => {
  it('removes the console password and says it cannot be rolled back', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'bob' }));
    await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Correct-Horse-9' }));
    const engine = engineOn(moto.endpoint);
    const p = { finding: findingAbout([{ ids: { principalName: 'bob', principalType: 'IAMUser' } }]), action: 'iam:delete-login-profile', target: 'bob', mode: 'propose' as const };
    const planned = await engine.plan(p);
    expect(planned.risk).toBe('disruptive');
    expect(await orError(() => iam.send(new GetLoginProfileCommand({ UserName: 'bob' })))).not.toBe('NoSuchEntityException');
    const ex = await engine.execute(p, { by: 'test', planHash: planned.planHash as string });
    expect([ex.status, ex.verified]).toEqual(['succeeded', true]);
    expect(await orError(() => iam.send(new GetLoginProfileCommand({ UserName: 'bob' })))).toBe('NoSuchEntityException');
    expect((await engine.execute(p, { by: 'test' })).status).toBe('duplicate');
    const back = await engine.rollback(ex.id, 'test');
    expect(back.status).toBe('not-reversible');
    expect(back.reason).toMatch(/CreateLoginProfile/);
  });
});

describe('s3:block-public-access', () => {
  it('turns on all four settings, and removes them again when the bucket had none', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'open-bucket' }));
    const observe = async (): Promise<unknown> => orError(async () => (await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'open-bucket' }))).PublicAccessBlockConfiguration);
    const finding = findingAbout([{ type: 'AwsS3Bucket', ids: { bucketName: 'open-bucket' } }]);
    const { before, executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 's3:block-public-access', target: 'open-bucket', mode: 'propose' }, observe);
    expect(before).toBe('NoSuchPublicAccessBlockConfiguration');
    expect(executed).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  });

  it('restores the previous partial settings', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'half-open' }));
    await s3.send(new PutPublicAccessBlockCommand({ Bucket: 'half-open', PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false } }));
    const observe = async (): Promise<unknown> => (await s3.send(new GetPublicAccessBlockCommand({ Bucket: 'half-open' }))).PublicAccessBlockConfiguration;
    const finding = findingAbout([{ type: 'AwsS3Bucket', ids: { bucketName: 'half-open' } }]);
    const { before } = await lifecycle(engineOn(moto.endpoint), { finding, action: 's3:block-public-access', target: 'half-open', mode: 'propose' }, observe);
    expect(before).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: false, BlockPublicPolicy: true, RestrictPublicBuckets: false });
  });
});

describe('s3:block-account-public-access', () => {
  it('turns on the account-level settings through S3 Control and removes them again', async () => {
    const control = new S3ControlClient({ region: REGION, endpoint: moto.endpoint, credentials, disableHostPrefix: true, endpointProvider: () => ({ url: new URL(moto.endpoint) }) });
    const observe = async (): Promise<unknown> => orError(async () => (await control.send(new GetAccountBlockCommand({ AccountId: ACCOUNT }))).PublicAccessBlockConfiguration);
    const finding = findingAbout([{ type: 'AwsAccount', ids: {} }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 's3:block-account-public-access', target: ACCOUNT, mode: 'propose' }, observe);
    expect(executed).toEqual({ BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    control.destroy();
  });
});

describe('s3:require-tls', () => {
  it('adds the TLS statement beside the existing ones and takes only it away', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
    const existing = { Version: '2012-10-17', Statement: [{ Sid: 'ReadFromCdn', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }] };
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'reports', Policy: JSON.stringify(existing) }));
    const observe = async (): Promise<unknown> => JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: 'reports' }))).Policy ?? '') as unknown;
    const finding = findingAbout([{ type: 'AwsS3Bucket', ids: { bucketName: 'reports' } }]);
    const { before, executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 's3:require-tls', target: 'reports', mode: 'propose' }, observe);
    expect(before).toEqual(existing);
    const statements = (executed as typeof existing).Statement;
    expect(statements.map((s) => s.Sid)).toEqual(['ReadFromCdn', 'FirebreakRequireTLS']);
  });

  it('deletes the policy on rollback when the bucket had none', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'no-policy' }));
    const observe = async (): Promise<unknown> => orError(async () => (await s3.send(new GetBucketPolicyCommand({ Bucket: 'no-policy' }))).Policy);
    const finding = findingAbout([{ type: 'AwsS3Bucket', ids: { bucketName: 'no-policy' } }]);
    const { before } = await lifecycle(engineOn(moto.endpoint), { finding, action: 's3:require-tls', target: 'no-policy', mode: 'propose' }, observe);
    expect(before).toBe('NoSuchBucketPolicy');
  });
});
