/** Every EC2 action against moto: plan, execute, verify, repeat, roll back, and the state read independently. */
import {
  AttachNetworkInterfaceCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateNetworkAclCommand,
  CreateNetworkAclEntryCommand,
  CreateNetworkInterfaceCommand,
  CreateSecurityGroupCommand,
  CreateSnapshotCommand,
  CreateSubnetCommand,
  CreateVolumeCommand,
  CreateVpcCommand,
  DescribeInstancesCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotAttributeCommand,
  DescribeSnapshotsCommand,
  EC2Client,
  GetEbsEncryptionByDefaultCommand,
  ModifySnapshotAttributeCommand,
  ReplaceNetworkAclAssociationCommand,
  RunInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Moto } from '../helpers/moto.js';
import { ACCOUNT, REGION, credentials, engineOn, findingAbout, lifecycle, motoWithCredentials } from './support.js';

let moto: Moto;
let ec2: EC2Client;

beforeAll(async () => {
  moto = await motoWithCredentials();
  ec2 = new EC2Client({ region: REGION, endpoint: moto.endpoint, credentials });
});
afterAll(async () => {
  ec2.destroy();
  await moto.stop();
});

const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

/** A VPC, a subnet and an instance in it with a second network interface. */
async function instanceInVpc(tags: Record<string, string> = {}): Promise<{ vpc: string; subnet: string; instance: string; groups: string[] }> {
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc?.VpcId as string;
  const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.1.1.0/24' }))).Subnet?.SubnetId as string;
  const web = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web', VpcId: vpc }))).GroupId as string;
  const admin = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'admin', Description: 'admin', VpcId: vpc }))).GroupId as string;
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-12c6146b',
      MinCount: 1,
      MaxCount: 1,
      // Groups on the interface, not the instance: moto adds an instance's own groups to every
      // interface it has, whatever the interface's groups are, which AWS does not.
      NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet, Groups: [web] }],
      TagSpecifications: Object.keys(tags).length === 0 ? undefined : [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
    }),
  );
  const instance = run.Instances?.[0]?.InstanceId as string;
  const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnet, Groups: [web, admin] }))).NetworkInterface?.NetworkInterfaceId as string;
  await ec2.send(new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eni, InstanceId: instance, DeviceIndex: 1 }));
  return { vpc, subnet, instance, groups: [web, admin] };
}

const interfacesOf = async (instance: string): Promise<unknown> => {
  const r = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instance] }] }));
  return sorted((r.NetworkInterfaces ?? []).map((n) => ({ id: n.NetworkInterfaceId, groups: (n.Groups ?? []).map((g) => g.GroupId).sort() })));
};

describe('ec2:isolate-instance', () => {
  it('moves every interface to a new quarantine group without rules, and restores each one', async () => {
    const { vpc, instance } = await instanceInVpc();
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ type: 'AwsEc2Instance', ids: { instanceId: instance } }]);
    const { executed } = await lifecycle(engine, { finding, action: 'ec2:isolate-instance', target: instance, mode: 'propose' }, () => interfacesOf(instance));
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: ['firebreak-quarantine'] }] }));
    const q = groups.SecurityGroups?.[0];
    expect(q?.IpPermissions).toEqual([]);
    expect(q?.IpPermissionsEgress).toEqual([]);
    expect(q?.Tags).toContainEqual({ Key: 'firebreak:quarantine', Value: 'true' });
    expect(executed).toEqual([{ id: expect.any(String), groups: [q?.GroupId] }, { id: expect.any(String), groups: [q?.GroupId] }]);
  });

  it('reuses the quarantine group of the VPC for the next instance', async () => {
    const engine = engineOn(moto.endpoint);
    const { vpc, instance } = await instanceInVpc();
    const first = findingAbout([{ ids: { instanceId: instance } }]);
    expect((await engine.execute({ finding: first, action: 'ec2:isolate-instance', target: instance, mode: 'propose' }, { by: 'test' })).status).toBe('succeeded');
    const run = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance] }));
    const subnet = run.Reservations?.[0]?.Instances?.[0]?.SubnetId as string;
    const second = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1, NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: subnet }] }))).Instances?.[0]?.InstanceId as string;
    const planned = await engine.plan({ finding: findingAbout([{ ids: { instanceId: second } }]), action: 'ec2:isolate-instance', target: second, mode: 'propose' });
    expect(planned.plan?.calls.map((c) => c.operation)).toEqual(['ec2:ModifyNetworkInterfaceAttribute']);
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpc] }, { Name: 'group-name', Values: ['firebreak-quarantine'] }] }));
    expect(groups.SecurityGroups).toHaveLength(1);
  });
});

describe('ec2:revoke-public-ingress', () => {
  it('removes only world-open rules outside the allowed ports and keeps every other rule', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc?.VpcId as string;
    const group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'mixed', Description: 'mixed', VpcId: vpc }))).GroupId as string;
    const peer = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'peer', Description: 'peer', VpcId: vpc }))).GroupId as string;
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh from anywhere' }, { CidrIp: '203.0.113.0/24' }] },
          { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '::/0' }] },
          { IpProtocol: 'tcp', FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'rdp v6' }] },
          { IpProtocol: 'udp', FromPort: 1000, ToPort: 2000, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          { IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: peer }] },
        ],
      }),
    );
    // One entry per source: AWS groups sources by protocol and ports in its answer, moto as they were added.
    const observe = async (): Promise<unknown> =>
      sorted(
        ((await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [group] }))).SecurityGroups?.[0]?.IpPermissions ?? []).flatMap((p) =>
          [...(p.IpRanges ?? []), ...(p.Ipv6Ranges ?? []), ...(p.UserIdGroupPairs ?? []), ...(p.PrefixListIds ?? [])].map((source) => ({ protocol: p.IpProtocol, from: p.FromPort, to: p.ToPort, source })),
        ),
      );
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ type: 'AwsEc2SecurityGroup', ids: { securityGroupIds: [group] } }]);
    const p = { finding, action: 'ec2:revoke-public-ingress', target: group, mode: 'propose' as const };
    const planned = await engine.plan(p);
    const removed = (planned.plan?.calls[0]?.input as { IpPermissions: { IpProtocol: string; FromPort?: number; IpRanges?: unknown[]; Ipv6Ranges?: unknown[] }[] }).IpPermissions;
    expect(removed.map((r) => `${r.IpProtocol}/${r.FromPort}/${r.IpRanges === undefined ? 'v6' : 'v4'}`).sort()).toEqual(['tcp/22/v4', 'tcp/3389/v6', 'udp/1000/v4']);
    const { executed } = await lifecycle(engine, p, observe);
    const left = JSON.stringify(executed);
    for (const kept of ['203.0.113.0/24', '10.0.0.0/8', peer, '"from":443']) expect(left).toContain(kept);
    expect(left).not.toContain('3389');
    expect(left).not.toContain('1000');
  });

  it('answers "already in place" for a group with nothing open, and changes nothing', async () => {
    const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.3.0.0/16' }))).Vpc?.VpcId as string;
    const group = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'closed', Description: 'closed', VpcId: vpc }))).GroupId as string;
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ ids: { securityGroupIds: [group] } }]);
    const ex = await engine.execute({ finding, action: 'ec2:revoke-public-ingress', target: group, mode: 'propose' }, { by: 'test' });
    expect(ex.status).toBe('succeeded');
    expect(ex.reason).toMatch(/already in place/);
    expect((await engine.rollback(ex.id, 'test')).status).toBe('not-reversible');
  });
});

describe('ec2:block-ip-nacl', () => {
  it('denies the address in and out at a free rule number below the allow rules', async () => {
    const { vpc, subnet, instance } = await instanceInVpc();
    const acl = (await ec2.send(new CreateNetworkAclCommand({ VpcId: vpc }))).NetworkAcl?.NetworkAclId as string;
    const current = await ec2.send(new DescribeNetworkAclsCommand({ Filters: [{ Name: 'association.subnet-id', Values: [subnet] }] }));
    const association = current.NetworkAcls?.[0]?.Associations?.find((a) => a.SubnetId === subnet)?.NetworkAclAssociationId as string;
    await ec2.send(new ReplaceNetworkAclAssociationCommand({ AssociationId: association, NetworkAclId: acl }));
    for (const [n, egress, action, cidr] of [[100, false, 'allow', '0.0.0.0/0'], [99, false, 'deny', '192.0.2.0/24'], [120, true, 'allow', '0.0.0.0/0']] as const) {
      await ec2.send(new CreateNetworkAclEntryCommand({ NetworkAclId: acl, RuleNumber: n, Egress: egress, RuleAction: action, CidrBlock: cidr, Protocol: '-1' }));
    }
    const observe = async (): Promise<unknown> => sorted((await ec2.send(new DescribeNetworkAclsCommand({ NetworkAclIds: [acl] }))).NetworkAcls?.[0]?.Entries ?? []);
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ type: 'AwsEc2Instance', ids: { instanceId: instance, remoteIp: '198.51.100.7' } }]);
    const { executed } = await lifecycle(engine, { finding, action: 'ec2:block-ip-nacl', target: '198.51.100.7', mode: 'propose' }, observe);
    const added = (executed as { CidrBlock?: string; RuleNumber?: number; Egress?: boolean; RuleAction?: string }[]).filter((e) => e.CidrBlock === '198.51.100.7/32');
    expect(added.map((e) => [e.RuleNumber, e.Egress, e.RuleAction]).sort()).toEqual([[98, false, 'deny'], [98, true, 'deny']]);
  });
});

describe('ec2:make-snapshot-private', () => {
  it('removes the public permission and keeps the accounts it is shared with', async () => {
    const volume = (await ec2.send(new CreateVolumeCommand({ AvailabilityZone: `${REGION}a`, Size: 8 }))).VolumeId as string;
    const snapshot = (await ec2.send(new CreateSnapshotCommand({ VolumeId: volume }))).SnapshotId as string;
    await ec2.send(new ModifySnapshotAttributeCommand({ SnapshotId: snapshot, Attribute: 'createVolumePermission', OperationType: 'add', GroupNames: ['all'], UserIds: ['111122223333'] }));
    const observe = async (): Promise<unknown> => sorted((await ec2.send(new DescribeSnapshotAttributeCommand({ SnapshotId: snapshot, Attribute: 'createVolumePermission' }))).CreateVolumePermissions ?? []);
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ type: 'AwsEc2Snapshot', ids: { snapshotId: snapshot } }]);
    const { executed } = await lifecycle(engine, { finding, action: 'ec2:make-snapshot-private', target: snapshot, mode: 'propose' }, observe);
    expect(executed).toEqual([{ UserId: '111122223333' }]);
  });
});

describe('ec2:enable-ebs-default-encryption', () => {
  it('turns it on for the region and back off', async () => {
    const observe = async (): Promise<unknown> => (await ec2.send(new GetEbsEncryptionByDefaultCommand({}))).EbsEncryptionByDefault;
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ type: 'AwsAccount', ids: {} }]);
    const { executed } = await lifecycle(engine, { finding, action: 'ec2:enable-ebs-default-encryption', target: ACCOUNT, mode: 'propose' }, observe);
    expect(executed).toBe(true);
  });
});

describe('ec2:stop-instance', () => {
  it('stops the instance and starts it again', async () => {
    const { instance } = await instanceInVpc();
    const observe = async (): Promise<unknown> => (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance] }))).Reservations?.[0]?.Instances?.[0]?.State?.Name;
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ ids: { instanceId: instance } }]);
    const { executed } = await lifecycle(engine, { finding, action: 'ec2:stop-instance', target: instance, mode: 'propose' }, observe);
    expect(executed).toBe('stopped');
  });
});

describe('ec2:snapshot-instance-volumes', () => {
  it('snapshots every volume once, tagged with the finding, and says rollback is not needed', async () => {
    const { instance } = await instanceInVpc();
    const engine = engineOn(moto.endpoint);
    const finding = findingAbout([{ ids: { instanceId: instance } }]);
    const observe = async (): Promise<unknown> => (await ec2.send(new DescribeSnapshotsCommand({ Filters: [{ Name: 'tag:firebreak:finding', Values: [finding.fingerprint] }] }))).Snapshots?.map((s) => s.VolumeId);
    const p = { finding, action: 'ec2:snapshot-instance-volumes', target: instance, mode: 'propose' as const };
    expect(await observe()).toEqual([]);
    const ex = await engine.execute(p, { by: 'test' });
    expect(ex.status).toBe('succeeded');
    expect(ex.verified).toBe(true);
    const volumes = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [instance] }))).Reservations?.[0]?.Instances?.[0]?.BlockDeviceMappings?.map((b) => b.Ebs?.VolumeId);
    expect(await observe()).toEqual(volumes);
    expect((await engine.execute(p, { by: 'test' })).status).toBe('duplicate');
    const back = await engine.rollback(ex.id, 'test');
    expect(back.status).toBe('not-reversible');
    expect(back.reason).toMatch(/None needed/);
    expect(await observe()).toEqual(volumes);
  });
});
