/** Remediation actions for S3, WAF, RDS, Lambda, KMS and CloudTrail. */
import type { ActionDefinition } from './types.js';

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const IP = /^(\d{1,3}\.){3}\d{1,3}$|^[0-9a-fA-F:]{2,39}$/;

export const otherActions: readonly ActionDefinition[] = [
  {
    name: 's3:block-public-access',
    risk: 'contain',
    description: 'Turn on all four bucket-level Block Public Access settings.',
    rollback: 'Restore the recorded bucket-level settings.',
    target: 'bucketName',
    targetPattern: BUCKET,
    permissions: ['s3:GetBucketPublicAccessBlock', 's3:PutBucketPublicAccessBlock'],
  },
  {
    name: 's3:block-account-public-access',
    risk: 'harden',
    description: 'Turn on account-level S3 Block Public Access.',
    rollback: 'Restore the recorded account-level settings.',
    target: 'account',
    targetPattern: /^\d{12}$/,
    permissions: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock'],
  },
  {
    name: 's3:require-tls',
    risk: 'harden',
    description: 'Add a bucket policy statement denying requests with aws:SecureTransport false.',
    rollback: 'Restore the recorded bucket policy.',
    target: 'bucketName',
    targetPattern: BUCKET,
    permissions: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy'],
  },
  {
    name: 'wafv2:block-ip',
    risk: 'contain',
    description: 'Add the remote IP to the configured WAF IP set.',
    rollback: 'Remove the IP from the IP set.',
    target: 'remoteIp',
    targetPattern: IP,
    permissions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet'],
  },
  {
    name: 'rds:make-snapshot-private',
    risk: 'harden',
    description: 'Remove public restore permission from a DB snapshot.',
    rollback: 'Restore the recorded restore permission.',
    target: 'dbSnapshotIdentifier',
    targetPattern: /^[A-Za-z][A-Za-z0-9:-]{0,254}$/,
    permissions: ['rds:DescribeDBSnapshotAttributes', 'rds:ModifyDBSnapshotAttribute'],
  },
  {
    name: 'rds:disable-public-access',
    risk: 'harden',
    description: 'Set PubliclyAccessible to false on the DB instance.',
    rollback: 'Set PubliclyAccessible back to true.',
    target: 'dbInstanceIdentifier',
    targetPattern: /^[A-Za-z][A-Za-z0-9-]{0,62}$/,
    permissions: ['rds:DescribeDBInstances', 'rds:ModifyDBInstance'],
  },
  {
    name: 'lambda:remove-public-access',
    risk: 'harden',
    description: "Remove statements granting access to everyone from the function's resource policy.",
    rollback: 'Re-add the recorded statements.',
    target: 'functionName',
    targetPattern: /^[A-Za-z0-9_-]{1,140}$/,
    permissions: ['lambda:GetPolicy', 'lambda:RemovePermission', 'lambda:AddPermission'],
  },
  {
    name: 'kms:enable-key-rotation',
    risk: 'harden',
    description: 'Enable automatic rotation of the KMS key.',
    rollback: 'Disable key rotation.',
    target: 'keyId',
    targetPattern: /^[0-9a-f-]{36}$|^mrk-[0-9a-f]{32}$/,
    permissions: ['kms:GetKeyRotationStatus', 'kms:EnableKeyRotation', 'kms:DisableKeyRotation'],
  },
  {
    name: 'cloudtrail:enable-logging',
    risk: 'harden',
    description: 'Start logging on the trail.',
    rollback: 'None needed: logging only adds records.',
    target: 'trailName',
    targetPattern: /^[A-Za-z0-9._-]{3,128}$/,
    permissions: ['cloudtrail:GetTrailStatus', 'cloudtrail:StartLogging'],
  },
];
