/** The shape every remediation action declares. */

/** Risk classes: `contain` (reversible, narrow), `harden` (configuration change), `disruptive` (never automatic by default). */
export type Risk = 'contain' | 'harden' | 'disruptive';

/** The structured resource identifier an action's target is taken from (a `ResourceIds` key). */
export type TargetKind =
  | 'instanceId'
  | 'securityGroupIds'
  | 'accessKeyId'
  | 'principalName'
  | 'bucketName'
  | 'remoteIp'
  | 'snapshotId'
  | 'dbInstanceIdentifier'
  | 'dbSnapshotIdentifier'
  | 'functionName'
  | 'keyId'
  | 'trailName'
  | 'account';

/** A remediation action's declaration: what it does, how risky it is, what it needs. */
export interface ActionDefinition {
  /** `service:verb-object`. */
  name: string;
  risk: Risk;
  /** One sentence: what the action does. */
  description: string;
  /** How it is undone, or why nothing needs undoing. */
  rollback: string;
  /** Which resource identifier the target is. */
  target: TargetKind;
  /** Pattern a target must match to be accepted. */
  targetPattern: RegExp;
  /** IAM permissions the action needs (plan, execute, verify and rollback). */
  permissions: readonly string[];
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** An IPv4 address (not 0.0.0.0) or an IPv6 address: what a block-IP action accepts. */
export const IP_ADDRESS = new RegExp(`^(?!0\\.0\\.0\\.0$)(${OCTET}\\.){3}${OCTET}$|^(?=.*:)[0-9a-fA-F:]{2,39}$`);

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;
