/** WAF, RDS, Lambda, KMS and CloudTrail actions against moto. */
import { CloudTrailClient, CreateTrailCommand, GetTrailStatusCommand } from '@aws-sdk/client-cloudtrail';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateKeyCommand, GetKeyRotationStatusCommand, KMSClient } from '@aws-sdk/client-kms';
import { AddPermissionCommand, CreateFunctionCommand, GetPolicyCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateDBInstanceCommand, CreateDBSnapshotCommand, DescribeDBInstancesCommand, DescribeDBSnapshotAttributesCommand, ModifyDBSnapshotAttributeCommand, RDSClient } from '@aws-sdk/client-rds';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateIPSetCommand, GetIPSetCommand, UpdateIPSetCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../helpers/moto.js';
import { REGION, credentials, engineOn, findingAbout, lifecycle, motoWithCredentials } from './support.js';
import { startFaultProxy } from './proxy.js';

let moto: Moto;
const clients = { waf: undefined as unknown as WAFV2Client, rds: undefined as unknown as RDSClient, lambda: undefined as unknown as LambdaClient, kms: undefined as unknown as KMSClient, trail: undefined as unknown as CloudTrailClient };

beforeAll(async () => {
  moto = await motoWithCredentials();
  const config = { region: REGION, endpoint: moto.endpoint, credentials };
  clients.waf = new WAFV2Client(config);
  clients.rds = new RDSClient(config);
  clients.lambda = new LambdaClient(config);
  clients.kms = new KMSClient(config);
  clients.trail = new CloudTrailClient(config);
});
afterAll(async () => {
  for (const c of Object.values(clients)) c.destroy();
  await moto.stop();
});

async function ipSet(name: string, addresses: string[]): Promise<{ name: string; id: string; scope: 'REGIONAL' }> {
  const r = await clients.waf.send(new CreateIPSetCommand({ Name: name, Scope: 'REGIONAL', IPAddressVersion: 'IPV4', Addresses: addresses, Description: 'blocked addresses' }));
  return { name, id: r.Summary?.Id as string, scope: 'REGIONAL' };
}

const addressesOf = async (set: { name: string; id: string }): Promise<unknown> => {
  const r = await clients.waf.send(new GetIPSetCommand({ Name: set.name, Id: set.id, Scope: 'REGIONAL' }));
  return { addresses: [...(r.IPSet?.Addresses ?? [])].sort(), description: r.IPSet?.Description };
};

describe('wafv2:block-ip', () => {
  it('adds the address to the configured IP set beside the others, and removes only it', async () => {
    const set = await ipSet('blocklist', ['192.0.2.1/32']);
    const finding = findingAbout([{ type: 'AwsEc2Instance', ids: { instanceId: 'i-0123456789abcdef0', remoteIp: '198.51.100.9' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint, { wafIpSet: set }), { finding, action: 'wafv2:block-ip', target: '198.51.100.9', mode: 'propose' }, () => addressesOf(set));
    expect(executed).toEqual({ addresses: ['192.0.2.1/32', '198.51.100.9/32'], description: 'blocked addresses' });
  });

  it('reads again and merges when another writer changed the set between its read and its write', async () => {
    const set = await ipSet('contended', ['192.0.2.1/32']);
    // Just before firebreak's first UpdateIPSet reaches moto, another writer adds an address: the lock token firebreak holds is stale.
    let raced = false;
    const proxy = await startFaultProxy(moto.endpoint, async (operation) => {
      if (operation !== 'AWSWAF_20190729.UpdateIPSet' || raced) return undefined;
      raced = true;
      const now = await clients.waf.send(new GetIPSetCommand({ Name: set.name, Id: set.id, Scope: 'REGIONAL' }));
      await clients.waf.send(new UpdateIPSetCommand({ Name: set.name, Id: set.id, Scope: 'REGIONAL', Addresses: [...(now.IPSet?.Addresses ?? []), '203.0.113.5/32'], LockToken: now.LockToken }));
      return undefined;
    });
    try {
      const finding = findingAbout([{ ids: { remoteIp: '198.51.100.10' } }]);
      const ex = await engineOn(proxy.endpoint, { wafIpSet: set }).execute({ finding, action: 'wafv2:block-ip', target: '198.51.100.10', mode: 'propose' }, { by: 'test' });
      expect([ex.status, ex.verified]).toEqual(['succeeded', true]);
      expect(raced).toBe(true);
      expect(proxy.seen.filter((o) => o === 'AWSWAF_20190729.UpdateIPSet')).toHaveLength(2);
      expect(await addressesOf(set)).toEqual({ addresses: ['192.0.2.1/32', '198.51.100.10/32', '203.0.113.5/32'], description: 'blocked addresses' });
    } finally {
      await proxy.stop();
    }
  });

  it('is refused with the setting to add when no IP set is configured', async () => {
    const finding = findingAbout([{ ids: { remoteIp: '198.51.100.11' } }]);
    const planned = await engineOn(moto.endpoint).plan({ finding, action: 'wafv2:block-ip', target: '198.51.100.11', mode: 'propose' });
    expect(planned.decision).toBe('refused');
    expect(planned.reason).toMatch(/response\.wafIpSet/);
  });
});

describe('rds actions', () => {
  it('rds:make-snapshot-private removes "all" and keeps the shared account', async () => {
    await clients.rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'orders', Engine: 'postgres', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'admin', MasterUserPassword: 'Secret-pass-1' }));
    await clients.rds.send(new CreateDBSnapshotCommand({ DBInstanceIdentifier: 'orders', DBSnapshotIdentifier: 'orders-snap' }));
    await clients.rds.send(new ModifyDBSnapshotAttributeCommand({ DBSnapshotIdentifier: 'orders-snap', AttributeName: 'restore', ValuesToAdd: ['all', '111122223333'] }));
    const observe = async (): Promise<unknown> =>
      [...((await clients.rds.send(new DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: 'orders-snap' }))).DBSnapshotAttributesResult?.DBSnapshotAttributes?.[0]?.AttributeValues ?? [])].sort();
    const finding = findingAbout([{ type: 'AwsRdsDbSnapshot', ids: { dbSnapshotIdentifier: 'orders-snap' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'rds:make-snapshot-private', target: 'orders-snap', mode: 'propose' }, observe);
    expect(executed).toEqual(['111122223333']);
  });

  it('rds:disable-public-access turns PubliclyAccessible off and on', async () => {
    await clients.rds.send(new CreateDBInstanceCommand({ DBInstanceIdentifier: 'public-db', Engine: 'mysql', DBInstanceClass: 'db.t3.micro', AllocatedStorage: 20, MasterUsername: 'admin', MasterUserPassword: 'Secret-pass-1', PubliclyAccessible: true }));
    const observe = async (): Promise<unknown> => (await clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: 'public-db' }))).DBInstances?.[0]?.PubliclyAccessible;
    const finding = findingAbout([{ type: 'AwsRdsDbInstance', ids: { dbInstanceIdentifier: 'public-db' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'rds:disable-public-access', target: 'public-db', mode: 'propose' }, observe);
    expect(executed).toBe(false);
  });
});

describe('lambda:remove-public-access', () => {
  it('removes the statements open to everyone, keeps the scoped ones, and adds them back', async () => {
    const iam = new IAMClient({ region: REGION, endpoint: moto.endpoint, credentials });
    const role = (await iam.send(new CreateRoleCommand({ RoleName: 'fn-role', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[]}' }))).Role?.Arn as string;
    iam.destroy();
    await clients.lambda.send(new CreateFunctionCommand({ FunctionName: 'resize', Runtime: 'python3.12', Role: role, Handler: 'index.handler', Code: { ZipFile: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]) } }));
    await clients.lambda.send(new AddPermissionCommand({ FunctionName: 'resize', StatementId: 'everyone', Action: 'lambda:InvokeFunction', Principal: '*' }));
    await clients.lambda.send(new AddPermissionCommand({ FunctionName: 'resize', StatementId: 'from-bucket', Action: 'lambda:InvokeFunction', Principal: 's3.amazonaws.com', SourceArn: 'arn:aws:s3:::uploads', SourceAccount: '123456789012' }));
    const observe = async (): Promise<unknown> => ((JSON.parse((await clients.lambda.send(new GetPolicyCommand({ FunctionName: 'resize' }))).Policy ?? '{}') as { Statement: { Sid: string }[] }).Statement ?? []).sort((a, b) => a.Sid.localeCompare(b.Sid));
    const finding = findingAbout([{ type: 'AwsLambdaFunction', ids: { functionName: 'resize' } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'lambda:remove-public-access', target: 'resize', mode: 'propose' }, observe);
    expect((executed as { Sid: string }[]).map((s) => s.Sid)).toEqual(['from-bucket']);
  });
});

describe('kms:enable-key-rotation', () => {
  it('enables rotation and disables it again', async () => {
    const key = (await clients.kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId as string;
    const observe = async (): Promise<unknown> => (await clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: key }))).KeyRotationEnabled;
    const finding = findingAbout([{ type: 'AwsKmsKey', ids: { keyId: key } }]);
    const { executed } = await lifecycle(engineOn(moto.endpoint), { finding, action: 'kms:enable-key-rotation', target: key, mode: 'propose' }, observe);
    expect(executed).toBe(true);
  });
});

describe('cloudtrail:enable-logging', () => {
  it('starts logging and says no rollback is needed', async () => {
    const s3 = new S3Client({ region: REGION, endpoint: moto.endpoint, credentials, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'trail-logs' }));
    s3.destroy();
    await clients.trail.send(new CreateTrailCommand({ Name: 'main-trail', S3BucketName: 'trail-logs' }));
    const observe = async (): Promise<unknown> => (await clients.trail.send(new GetTrailStatusCommand({ Name: 'main-trail' }))).IsLogging;
    expect(await observe()).toBe(false);
    const engine = engineOn(moto.endpoint);
    const p = { finding: findingAbout([{ type: 'AwsCloudTrailTrail', ids: { trailName: 'main-trail' } }]), action: 'cloudtrail:enable-logging', target: 'main-trail', mode: 'propose' as const };
    const ex = await engine.execute(p, { by: 'test' });
    expect([ex.status, ex.verified]).toEqual(['succeeded', true]);
    expect(await observe()).toBe(true);
    expect((await engine.execute(p, { by: 'test' })).status).toBe('duplicate');
    expect((await engine.rollback(ex.id, 'test')).status).toBe('not-reversible');
    expect(await observe()).toBe(true);
  });
});
