/** EC2 remediation actions. */
import { ACCOUNT_ID, IP_ADDRESS, type ActionDefinition } from './types.js';

const INSTANCE = /^i-[0-9a-f]{8,17}$/;
const GROUP = /^sg-[0-9a-f]{8,17}$/;

export const ec2Actions: readonly ActionDefinition[] = [
  {
    name: 'ec2:isolate-instance',
    risk: 'contain',
    description: "Move the instance's network interfaces to a quarantine security group with no rules.",
    rollback: 'Restore the recorded security groups on each network interface.',
    target: 'instanceId',
    targetPattern: INSTANCE,
    permissions: ['ec2:DescribeInstances', 'ec2:DescribeSecurityGroups', 'ec2:CreateSecurityGroup', 'ec2:RevokeSecurityGroupEgress', 'ec2:ModifyNetworkInterfaceAttribute', 'ec2:CreateTags'],
  },
  {
    name: 'ec2:snapshot-instance-volumes',
    risk: 'contain',
    description: 'Take forensic EBS snapshots of every attached volume, tagged with the finding.',
    rollback: 'None needed: snapshots only add evidence (delete them when the investigation closes).',
    target: 'instanceId',
    targetPattern: INSTANCE,
    permissions: ['ec2:DescribeInstances', 'ec2:CreateSnapshot', 'ec2:CreateTags', 'ec2:DescribeSnapshots'],
  },
  {
    name: 'ec2:revoke-public-ingress',
    risk: 'harden',
    description: 'Remove ingress rules open to 0.0.0.0/0 or ::/0 outside the allowed ports.',
    rollback: 'Re-authorize the recorded rules.',
    target: 'securityGroupIds',
    targetPattern: GROUP,
    permissions: ['ec2:DescribeSecurityGroups', 'ec2:DescribeSecurityGroupRules', 'ec2:RevokeSecurityGroupIngress', 'ec2:AuthorizeSecurityGroupIngress'],
  },
  {
    name: 'ec2:block-ip-nacl',
    risk: 'contain',
    description: "Deny the remote IP in the network ACL of the affected instance's subnet.",
    rollback: 'Delete the added network ACL entry.',
    target: 'remoteIp',
    targetPattern: IP_ADDRESS,
    permissions: ['ec2:DescribeInstances', 'ec2:DescribeNetworkAcls', 'ec2:CreateNetworkAclEntry', 'ec2:DeleteNetworkAclEntry'],
  },
  {
    name: 'ec2:make-snapshot-private',
    risk: 'harden',
    description: 'Remove public createVolumePermission from an EBS snapshot.',
    rollback: 'Restore the recorded createVolumePermission.',
    target: 'snapshotId',
    targetPattern: /^snap-[0-9a-f]{8,17}$/,
    permissions: ['ec2:DescribeSnapshotAttribute', 'ec2:ModifySnapshotAttribute'],
  },
  {
    name: 'ec2:enable-ebs-default-encryption',
    risk: 'harden',
    description: 'Turn on EBS encryption by default in the region.',
    rollback: 'Disable EBS encryption by default.',
    target: 'account',
    targetPattern: ACCOUNT_ID,
    permissions: ['ec2:GetEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:DisableEbsEncryptionByDefault'],
  },
  {
    name: 'ec2:stop-instance',
    risk: 'disruptive',
    description: 'Stop the instance.',
    rollback: 'Start the instance.',
    target: 'instanceId',
    targetPattern: INSTANCE,
    permissions: ['ec2:DescribeInstances', 'ec2:StopInstances', 'ec2:StartInstances'],
  },
];
