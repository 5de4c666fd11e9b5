/** EC2 network actions: closing security group rules open to the internet, and denying an address in a network ACL. */
import { ResponseError } from '../errors.js';
import type { Call } from '../plan.js';
import { describeInstance } from './ec2.js';
import { type ActionDefinition, IP_ADDRESS, type TargetState, hostCidr, tagRecord } from './types.js';

/** One security group rule: a protocol, a port range and one source. */
interface Rule {
  protocol: string;
  from: number | null;
  to: number | null;
  kind: 'ipv4' | 'ipv6' | 'group' | 'prefix';
  source: string;
  description?: string;
}

interface IpPermission {
  IpProtocol?: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp?: string; Description?: string }[];
  Ipv6Ranges?: { CidrIpv6?: string; Description?: string }[];
  UserIdGroupPairs?: { GroupId?: string; Description?: string }[];
  PrefixListIds?: { PrefixListId?: string; Description?: string }[];
}

const withDescription = (rule: Rule, d: string | undefined): Rule => (d === undefined || d === '' ? rule : { ...rule, description: d });

/** Every rule of `perms`, one source each, in a stable order. */
function flatten(perms: IpPermission[] | undefined): Rule[] {
  const rules: Rule[] = [];
  for (const p of perms ?? []) {
    const protocol = p.IpProtocol ?? '-1';
    const all = protocol === '-1';
    const base = { protocol, from: all ? null : (p.FromPort ?? null), to: all ? null : (p.ToPort ?? null) };
    for (const r of p.IpRanges ?? []) if (r.CidrIp !== undefined) rules.push(withDescription({ ...base, kind: 'ipv4', source: r.CidrIp }, r.Description));
    for (const r of p.Ipv6Ranges ?? []) if (r.CidrIpv6 !== undefined) rules.push(withDescription({ ...base, kind: 'ipv6', source: r.CidrIpv6 }, r.Description));
    for (const r of p.UserIdGroupPairs ?? []) if (r.GroupId !== undefined) rules.push(withDescription({ ...base, kind: 'group', source: r.GroupId }, r.Description));
    for (const r of p.PrefixListIds ?? []) if (r.PrefixListId !== undefined) rules.push(withDescription({ ...base, kind: 'prefix', source: r.PrefixListId }, r.Description));
  }
  const key = (r: Rule): string => `${r.protocol}|${r.from}|${r.to}|${r.kind}|${r.source}`;
  return rules.sort((a, b) => key(a).localeCompare(key(b)));
}

/** The API's form of one rule. */
function permission(r: Rule): IpPermission {
  const d = r.description === undefined ? {} : { Description: r.description };
  const p: IpPermission = { IpProtocol: r.protocol, ...(r.from === null ? {} : { FromPort: r.from }), ...(r.to === null ? {} : { ToPort: r.to }) };
  if (r.kind === 'ipv4') p.IpRanges = [{ CidrIp: r.source, ...d }];
  if (r.kind === 'ipv6') p.Ipv6Ranges = [{ CidrIpv6: r.source, ...d }];
  if (r.kind === 'group') p.UserIdGroupPairs = [{ GroupId: r.source, ...d }];
  if (r.kind === 'prefix') p.PrefixListIds = [{ PrefixListId: r.source, ...d }];
  return p;
}

const sameRule = (a: Rule, b: Rule): boolean => a.protocol === b.protocol && a.from === b.from && a.to === b.to && a.kind === b.kind && a.source === b.source;

/** Open to the whole internet, on something other than one allowed TCP or UDP port. */
function tooOpen(r: Rule, allowed: readonly number[]): boolean {
  const world = (r.kind === 'ipv4' && r.source === '0.0.0.0/0') || (r.kind === 'ipv6' && r.source === '::/0');
  if (!world) return false;
  const portProtocol = ['tcp', 'udp', '6', '17'].includes(r.protocol);
  return !(portProtocol && r.from !== null && r.from === r.to && allowed.includes(r.from));
}

interface IngressState extends TargetState {
  group: string;
  ingress: Rule[];
}

export const revokePublicIngress: ActionDefinition<IngressState> = {
  name: 'ec2:revoke-public-ingress',
  risk: 'harden',
  description: 'Remove ingress rules open to 0.0.0.0/0 or ::/0 outside the allowed ports; every other rule stays.',
  rollback: 'Re-authorize the removed rules, descriptions included.',
  target: 'securityGroupIds',
  targetPattern: /^sg-[0-9a-f]{8,17}$/,
  permissions: ['ec2:DescribeSecurityGroups', 'ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress'],
  reversible: true,
  async read(ctx, target) {
    const r = await ctx.aws.call<{ SecurityGroups?: { GroupId: string; IpPermissions?: IpPermission[]; Tags?: unknown }[] }>('ec2:DescribeSecurityGroups', { GroupIds: [target] });
    const g = r.SecurityGroups?.[0];
    if (g === undefined) throw new ResponseError('TargetNotFound', `security group ${target} not found`);
    return { group: target, ingress: flatten(g.IpPermissions), tags: tagRecord(g.Tags) };
  },
  async plan(ctx, target, state) {
    const removed = state.ingress.filter((r) => tooOpen(r, ctx.settings.allowedPublicPorts));
    if (removed.length === 0) return { calls: [], after: state };
    return {
      calls: [{ operation: 'ec2:RevokeSecurityGroupIngress', input: { GroupId: target, IpPermissions: removed.map(permission) } }],
      after: { ...state, ingress: state.ingress.filter((r) => !removed.includes(r)) },
    };
  },
  undo(_ctx, target, before, now) {
    const missing = before.ingress.filter((r) => !now.ingress.some((n) => sameRule(n, r)));
    return missing.length === 0 ? [] : [{ operation: 'ec2:AuthorizeSecurityGroupIngress', input: { GroupId: target, IpPermissions: missing.map(permission) } }];
  },
};

interface AclEntry {
  n: number;
  egress: boolean;
  action: string;
  cidr: string;
  protocol: string;
}

interface AclState extends TargetState {
  address: string;
  networkAcl: string;
  subnet: string;
  entries: AclEntry[];
}

/** The rule number the deny entries take: the highest free in both directions below every allow rule. */
function freeRuleNumber(entries: AclEntry[]): number | undefined {
  const allows = entries.filter((e) => e.action === 'allow' && e.n < 32767).map((e) => e.n);
  const below = Math.min(32767, ...allows);
  const taken = new Set(entries.map((e) => e.n));
  for (let n = below - 1; n >= 1; n -= 1) if (!taken.has(n)) return n;
  return undefined;
}

export const blockIpNacl: ActionDefinition<AclState> = {
  name: 'ec2:block-ip-nacl',
  risk: 'contain',
  description: "Deny the remote IP, inbound and outbound, in the network ACL of the affected instance's subnet, ahead of its allow rules.",
  rollback: 'Delete the added network ACL entries.',
  target: 'remoteIp',
  targetPattern: IP_ADDRESS,
  permissions: ['ec2:DescribeInstances', 'ec2:DescribeNetworkAcls', 'ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry'],
  reversible: true,
  async read(ctx, target) {
    const instanceId = ctx.finding.ids.instanceId;
    if (typeof instanceId !== 'string') throw new ResponseError('ActionRefused', `blocking ${target} in a network ACL needs the instance the finding is about (to find its subnet); this finding names none`);
    const instance = await describeInstance(ctx, instanceId);
    if (instance.SubnetId === undefined) throw new ResponseError('ActionRefused', `instance ${instanceId} is in no subnet`);
    const r = await ctx.aws.call<{ NetworkAcls?: { NetworkAclId: string; Entries?: { RuleNumber: number; Egress: boolean; RuleAction: string; CidrBlock?: string; Ipv6CidrBlock?: string; Protocol: string }[] }[] }>(
      'ec2:DescribeNetworkAcls',
      { Filters: [{ Name: 'association.subnet-id', Values: [instance.SubnetId] }] },
    );
    const acl = r.NetworkAcls?.[0];
    if (acl === undefined) throw new ResponseError('TargetNotFound', `no network ACL is associated with subnet ${instance.SubnetId}`);
    const entries = (acl.Entries ?? [])
      .map((e) => ({ n: e.RuleNumber, egress: e.Egress, action: e.RuleAction, cidr: e.CidrBlock ?? e.Ipv6CidrBlock ?? '', protocol: e.Protocol }))
      .sort((a, b) => Number(a.egress) - Number(b.egress) || a.n - b.n);
    return { address: hostCidr(target), networkAcl: acl.NetworkAclId, subnet: instance.SubnetId, entries, tags: tagRecord(instance.Tags) };
  },
  async plan(_ctx, target, state) {
    const denied = (egress: boolean): boolean => state.entries.some((e) => e.egress === egress && e.cidr === state.address && e.action === 'deny');
    const missing = [false, true].filter((egress) => !denied(egress));
    if (missing.length === 0) return { calls: [], after: state };
    const n = freeRuleNumber(state.entries);
    if (n === undefined) throw new ResponseError('ActionRefused', `network ACL ${state.networkAcl} has no free rule number below its allow rules`);
    const v6 = target.includes(':');
    const calls: Call[] = missing.map((egress) => ({
      operation: 'ec2:CreateNetworkAclEntry',
      input: { NetworkAclId: state.networkAcl, RuleNumber: n, Protocol: '-1', RuleAction: 'deny', Egress: egress, ...(v6 ? { Ipv6CidrBlock: state.address } : { CidrBlock: state.address }) },
    }));
    const added = missing.map((egress) => ({ n, egress, action: 'deny', cidr: state.address, protocol: '-1' }));
    return { calls, after: { ...state, entries: [...state.entries, ...added].sort((a, b) => Number(a.egress) - Number(b.egress) || a.n - b.n) } };
  },
  undo(_ctx, _target, before, now) {
    const added = now.entries.filter((e) => e.cidr === before.address && e.action === 'deny' && !before.entries.some((b) => b.n === e.n && b.egress === e.egress));
    return added.map((e) => ({ operation: 'ec2:DeleteNetworkAclEntry', input: { NetworkAclId: before.networkAcl, RuleNumber: e.n, Egress: e.egress } }));
  },
};
