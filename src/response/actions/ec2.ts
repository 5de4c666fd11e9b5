/** EC2 remediation actions on instances, volumes and snapshots. */
import { ResponseError } from '../errors.js';
import { type Call, ref } from '../plan.js';
import { ACCOUNT_ID, type ActionContext, type ActionDefinition, type TargetState, tagRecord } from './types.js';

export const INSTANCE = /^i-[0-9a-f]{8,17}$/;

interface Instance {
  InstanceId: string;
  VpcId?: string;
  SubnetId?: string;
  State?: { Name?: string };
  NetworkInterfaces?: { NetworkInterfaceId: string; Groups?: { GroupId: string }[] }[];
  BlockDeviceMappings?: { Ebs?: { VolumeId?: string } }[];
  Tags?: unknown;
}

/** The instance, or `TargetNotFound`. */
export async function describeInstance(ctx: ActionContext, id: string): Promise<Instance> {
  const r = await ctx.aws.call<{ Reservations?: { Instances?: Instance[] }[] }>('ec2:DescribeInstances', { InstanceIds: [id] });
  const instance = r.Reservations?.flatMap((x) => x.Instances ?? [])[0];
  if (instance === undefined) throw new ResponseError('TargetNotFound', `instance ${id} not found in account ${ctx.aws.account}, ${ctx.aws.region}`);
  return instance;
}

interface IsolateState extends TargetState {
  instance: string;
  vpc: string;
  interfaces: { id: string; groups: unknown[] }[];
}

const isolate: ActionDefinition<IsolateState> = {
  name: 'ec2:isolate-instance',
  risk: 'contain',
  description: "Move the instance's network interfaces to a quarantine security group with no rules.",
  rollback: 'Restore the recorded security groups on each network interface (the quarantine group stays for other instances).',
  target: 'instanceId',
  targetPattern: INSTANCE,
  permissions: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:CreateSecurityGroup', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:CreateTags'],
  reversible: true,
  async read(ctx, target) {
    const i = await describeInstance(ctx, target);
    if (i.VpcId === undefined) throw new ResponseError('ActionRefused', `instance ${target} is not in a VPC: its security groups cannot be replaced`);
    const interfaces = (i.NetworkInterfaces ?? []).map((n) => ({ id: n.NetworkInterfaceId, groups: (n.Groups ?? []).map((g) => g.GroupId).sort() })).sort((a, b) => a.id.localeCompare(b.id));
    return { instance: target, vpc: i.VpcId, interfaces, tags: tagRecord(i.Tags) };
  },
  async plan(ctx, _target, state) {
    const name = ctx.settings.quarantineSecurityGroup;
    const found = await ctx.aws.call<{ SecurityGroups?: { GroupId: string; IpPermissions?: unknown[]; IpPermissionsEgress?: unknown[] }[] }>('ec2:DescribeSecurityGroups', {
      Filters: [{ Name: 'vpc-id', Values: [state.vpc] }, { Name: 'group-name', Values: [name] }],
    });
    const existing = found.SecurityGroups?.[0];
    if (existing !== undefined && ((existing.IpPermissions?.length ?? 0) > 0 || (existing.IpPermissionsEgress?.length ?? 0) > 0)) {
      throw new ResponseError('ActionRefused', `the quarantine group ${name} (${existing.GroupId}) in ${state.vpc} has rules; firebreak only moves instances into a group with none (remove its rules or set response.quarantineSecurityGroup)`);
    }
    const group = existing?.GroupId ?? ref('quarantine.GroupId');
    const calls: Call[] = [];
    if (existing === undefined) {
      calls.push(
        {
          operation: 'ec2:CreateSecurityGroup',
          as: 'quarantine',
          input: {
            GroupName: name,
            Description: 'firebreak quarantine: no inbound or outbound traffic',
            VpcId: state.vpc,
            TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'firebreak:quarantine', Value: 'true' }] }],
          },
        },
        { operation: 'ec2:RevokeSecurityGroupEgress', input: { GroupId: group, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] } },
      );
    }
    const moved = state.interfaces.filter((n) => n.groups.length !== 1 || n.groups[0] !== existing?.GroupId);
    for (const n of moved) calls.push({ operation: 'ec2:ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: n.id, Groups: [group] } });
    // Nothing to move: the instance is already isolated, and no group needs creating.
    if (moved.length === 0) return { calls: [], after: state };
    return { calls, after: { ...state, interfaces: state.interfaces.map((n) => ({ id: n.id, groups: [group] })) } };
  },
  undo(_ctx, _target, before, _now, outputs, compensating) {
    const calls: Call[] = before.interfaces.map((n) => ({ operation: 'ec2:ModifyNetworkInterfaceAttribute', input: { NetworkInterfaceId: n.id, Groups: n.groups } }));
    const created = (outputs.quarantine as { GroupId?: string } | undefined)?.GroupId;
    if (compensating && created !== undefined) calls.push({ operation: 'ec2:DeleteSecurityGroup', input: { GroupId: created } });
    return calls;
  },
};

interface SnapshotsState extends TargetState {
  instance: string;
  volumes: { volume: string; snapshot: unknown }[];
}

const snapshotVolumes: ActionDefinition<SnapshotsState> = {
  name: 'ec2:snapshot-instance-volumes',
  risk: 'contain',
  description: 'Take forensic EBS snapshots of every attached volume, tagged with the finding.',
  rollback: 'None needed: snapshots only add evidence (delete them when the investigation closes).',
  target: 'instanceId',
  targetPattern: INSTANCE,
  permissions: ['ec2:DescribeInstances', 'ec2:DescribeSnapshots', 'ec2:CreateSnapshot', 'ec2:CreateTags', 'ec2:DeleteSnapshot'],
  reversible: false,
  async read(ctx, target) {
    const i = await describeInstance(ctx, target);
    const volumes = (i.BlockDeviceMappings ?? []).map((b) => b.Ebs?.VolumeId).filter((v): v is string => v !== undefined).sort();
    const taken = await ctx.aws.call<{ Snapshots?: { SnapshotId: string; VolumeId?: string }[] }>('ec2:DescribeSnapshots', {
      OwnerIds: ['self'],
      Filters: [{ Name: 'tag:firebreak:finding', Values: [ctx.finding.fingerprint] }],
    });
    const byVolume = new Map((taken.Snapshots ?? []).map((s) => [s.VolumeId, s.SnapshotId]));
    return { instance: target, volumes: volumes.map((v) => ({ volume: v, snapshot: byVolume.get(v) ?? null })), tags: tagRecord(i.Tags) };
  },
  async plan(ctx, target, state) {
    const calls: Call[] = [];
    const volumes = state.volumes.map((v, n) => {
      if (v.snapshot !== null) return v;
      calls.push({
        operation: 'ec2:CreateSnapshot',
        as: `snapshot${n}`,
        input: {
          VolumeId: v.volume,
          Description: `firebreak forensic snapshot of ${v.volume} (${target})`,
          TagSpecifications: [{ ResourceType: 'snapshot', Tags: [{ Key: 'firebreak:finding', Value: ctx.finding.fingerprint }, { Key: 'firebreak:instance', Value: target }] }],
        },
      });
      return { volume: v.volume, snapshot: ref(`snapshot${n}.SnapshotId`) };
    });
    return { calls, after: { ...state, volumes } };
  },
  undo(_ctx, _target, _before, _now, outputs, compensating) {
    if (!compensating) return [];
    return Object.values(outputs)
      .map((o) => (o as { SnapshotId?: string }).SnapshotId)
      .filter((id): id is string => id !== undefined)
      .map((id) => ({ operation: 'ec2:DeleteSnapshot', input: { SnapshotId: id } }));
  },
};

interface SnapshotPermState extends TargetState {
  snapshot: string;
  public: boolean;
  accounts: string[];
}

const snapshotPrivate: ActionDefinition<SnapshotPermState> = {
  name: 'ec2:make-snapshot-private',
  risk: 'harden',
  description: 'Remove public createVolumePermission from an EBS snapshot (accounts it is shared with keep it).',
  rollback: 'Restore the public createVolumePermission.',
  target: 'snapshotId',
  targetPattern: /^snap-[0-9a-f]{8,17}$/,
  permissions: ['ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'],
  reversible: true,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ CreateVolumePermissions?: { Group?: string; UserId?: string }[] }>('ec2:DescribeSnapshotAttribute', { SnapshotId: target, Attribute: 'createVolumePermission' });
    const perms = r.CreateVolumePermissions ?? [];
    return { snapshot: target, public: perms.some((p) => p.Group === 'all'), accounts: perms.flatMap((p) => (p.UserId === undefined ? [] : [p.UserId])).sort() };
  },
  async plan(_ctx, target, state) {
    if (!state.public) return { calls: [], after: state };
    return { calls: [{ operation: 'ec2:ModifySnapshotAttribute', input: { SnapshotId: target, Attribute: 'createVolumePermission', OperationType: 'remove', GroupNames: ['all'] } }], after: { ...state, public: false } };
  },
  undo(_ctx, target, before, now) {
    if (!before.public || now.public) return [];
    return [{ operation: 'ec2:ModifySnapshotAttribute', input: { SnapshotId: target, Attribute: 'createVolumePermission', OperationType: 'add', GroupNames: ['all'] } }];
  },
};

interface EbsDefaultState extends TargetState {
  account: string;
  region: string;
  encryptionByDefault: boolean;
}

const ebsDefault: ActionDefinition<EbsDefaultState> = {
  name: 'ec2:enable-ebs-default-encryption',
  risk: 'harden',
  description: 'Turn on EBS encryption by default in the region.',
  rollback: 'Disable EBS encryption by default.',
  target: 'account',
  targetPattern: ACCOUNT_ID,
  permissions: ['ec2:GetEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:DisableEbsEncryptionByDefault'],
  reversible: true,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ EbsEncryptionByDefault?: boolean }>('ec2:GetEbsEncryptionByDefault', {});
    return { account: target, region: ctx.aws.region, encryptionByDefault: r.EbsEncryptionByDefault === true };
  },
  async plan(_ctx, _target, state) {
    if (state.encryptionByDefault) return { calls: [], after: state };
    return { calls: [{ operation: 'ec2:EnableEbsEncryptionByDefault', input: {} }], after: { ...state, encryptionByDefault: true } };
  },
  undo(_ctx, _target, before, now) {
    return !before.encryptionByDefault && now.encryptionByDefault ? [{ operation: 'ec2:DisableEbsEncryptionByDefault', input: {} }] : [];
  },
};

interface RunState extends TargetState {
  instance: string;
  state: string;
}

/** Instance states as the action sees them: one on its way to a state counts as in it. */
const runState = (name: string | undefined): string => (name === 'stopping' ? 'stopped' : name === 'pending' ? 'running' : (name ?? 'unknown'));

const stop: ActionDefinition<RunState> = {
  name: 'ec2:stop-instance',
  risk: 'disruptive',
  description: 'Stop the instance.',
  rollback: 'Start the instance.',
  target: 'instanceId',
  targetPattern: INSTANCE,
  permissions: ['ec2:DescribeInstances', 'ec2:StopInstances', 'ec2:StartInstances'],
  reversible: true,
  async read(ctx, target) {
    const i = await describeInstance(ctx, target);
    return { instance: target, state: runState(i.State?.Name), tags: tagRecord(i.Tags) };
  },
  async plan(_ctx, target, state) {
    if (state.state !== 'running') return { calls: [], after: state };
    return { calls: [{ operation: 'ec2:StopInstances', input: { InstanceIds: [target] } }], after: { ...state, state: 'stopped' } };
  },
  undo(_ctx, target, before, now) {
    return before.state === 'running' && now.state !== 'running' ? [{ operation: 'ec2:StartInstances', input: { InstanceIds: [target] } }] : [];
  },
};

export const ec2InstanceActions = [isolate, snapshotVolumes, snapshotPrivate, ebsDefault, stop] as readonly ActionDefinition[];
