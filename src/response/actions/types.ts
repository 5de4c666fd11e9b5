/** The shape every remediation action declares and implements. */
import type { AwsCaller } from '../aws.js';
import type { Call } from '../plan.js';

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

/** Settings of the actions that need them (from `response:` in `firebreak.yaml`). */
export interface ActionSettings {
  /** Name of the security group `ec2:isolate-instance` moves interfaces to (created when missing). */
  quarantineSecurityGroup: string;
  /** The WAF IP set `wafv2:block-ip` adds addresses to. */
  wafIpSet?: { name: string; id: string; scope: 'REGIONAL' | 'CLOUDFRONT'; region?: string };
  /** Ports `ec2:revoke-public-ingress` leaves open to the internet. */
  allowedPublicPorts: number[];
}

/** What an action sees while it reads, plans and undoes. */
export interface ActionContext {
  aws: AwsCaller;
  /** The finding acted on: its fingerprint (tags evidence with it) and structured resource ids. */
  finding: { fingerprint: string; ids: Readonly<Record<string, string | readonly string[] | undefined>> };
  settings: ActionSettings;
}

/** The state of a target as an action reads it; `tags` (when the resource has them) are checked for the protect tag. */
export interface TargetState {
  tags?: Record<string, string>;
  [key: string]: unknown;
}

/** A remediation action's declaration: what it does, how risky it is, what it needs. */
export interface ActionDeclaration {
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

/** A remediation action: its declaration and how it reads, plans, performs and undoes. */
export interface ActionDefinition<S extends TargetState = TargetState> extends ActionDeclaration {
  /** Whether `firebreak rollback` can undo it (snapshots, logging and deleted passwords cannot be, or need not be). */
  reversible: boolean;
  /** Reads the parts of the target the action changes or must keep. Read-only calls only. */
  read(ctx: ActionContext, target: string): Promise<S>;
  /** The calls from `state` to the after-state, and that state; no calls when already there. May read more. */
  plan(ctx: ActionContext, target: string, state: S): Promise<{ calls: Call[]; after: S }>;
  /**
   * The calls that restore `before` from `now`. `outputs` holds what the execution's calls
   * returned (by their `as` name); `compensating` is set when undoing a failed execution, which
   * also removes what it created.
   */
  undo(ctx: ActionContext, target: string, before: S, now: S, outputs: Readonly<Record<string, unknown>>, compensating: boolean): Call[];
  /** Runs a call itself instead of sending it as it is (WAF: read, merge and write with the lock token). */
  perform?(ctx: ActionContext, call: Call): Promise<Record<string, unknown>>;
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';

/** An IPv4 address (not 0.0.0.0) or an IPv6 address: what a block-IP action accepts. */
export const IP_ADDRESS = new RegExp(`^(?!0\\.0\\.0\\.0$)(${OCTET}\\.){3}${OCTET}$|^(?=.*:)[0-9a-fA-F:]{2,39}$`);

/** A 12-digit AWS account id. */
export const ACCOUNT_ID = /^\d{12}$/;

/** AWS tags (`[{Key, Value}]`) as a record. */
export function tagRecord(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(tags)) return out;
  for (const t of tags as { Key?: unknown; Value?: unknown }[]) if (typeof t.Key === 'string') out[t.Key] = typeof t.Value === 'string' ? t.Value : '';
  return out;
}

/** The address as a single-host CIDR (`/32` or `/128`). */
export const hostCidr = (ip: string): string => (ip.includes(':') ? `${ip}/128` : `${ip}/32`);
