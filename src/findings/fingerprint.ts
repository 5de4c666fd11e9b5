/**
 * Fingerprints for de-duplication. A fingerprint names "the same problem", not "the same
 * record": it stays the same when GuardDuty updates a finding (its `service.count` grows), when
 * Security Hub re-imports it, when one control is reported under several standards, and when a
 * GuardDuty finding arrives both directly and through Security Hub.
 */
import * as crypto from 'node:crypto';

// One-shot hashing (Node 20.12 and later) is several times cheaper than a Hash object per finding.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256Hex = (data: string): string => (oneShot === undefined ? crypto.createHash('sha256').update(data).digest('hex') : oneShot('sha256', data, 'hex'));

/** Identity of a finding a product raised (GuardDuty, Inspector, Macie, partners). */
export interface ProductIdentity {
  kind: 'product';
  /** Lower-case product family, e.g. `guardduty`; the same whichever way the finding arrived. */
  product: string;
  account: string;
  region: string;
  /** The product's own finding id (GuardDuty's 32-hex id, Inspector's finding ARN, ...). */
  nativeId: string;
}

/** Identity of a compliance result: a control (or Config rule) about a set of resources. */
export interface ControlIdentity {
  kind: 'control';
  /** Security control id (`S3.8`) or Config rule name. */
  control: string;
  account: string;
  /** Included for regional resources; left out for global ones so regions collapse into one. */
  region: string | undefined;
  resourceIds: readonly string[];
}

/** Computes the 32-hex-character fingerprint of a finding's identity. */
export function fingerprint(identity: ProductIdentity | ControlIdentity): string {
  const key =
    identity.kind === 'product'
      ? ['p', identity.product.toLowerCase(), identity.account, identity.region, identity.nativeId]
      : ['c', identity.control, identity.account, identity.region ?? '*', ...[...identity.resourceIds].sort()];
  return sha256Hex(key.join('\u0000')).slice(0, 32);
}

const GLOBAL_TYPES = /^Aws(Iam|CloudFront|Route53|Waf[A-Z]|Organizations)/;

/**
 * The region that belongs in a control fingerprint: the finding's region for account-level and
 * regional resources, none for global resources (IAM, CloudFront, ...) whose findings repeat in
 * every region Security Hub runs in.
 */
export function controlRegion(region: string, resources: readonly { type: string; id: string }[]): string | undefined {
  if (resources.length === 0) return region;
  const global = resources.every((r) => GLOBAL_TYPES.test(r.type) || (r.type !== 'AwsAccount' && r.id.startsWith('arn:') && r.id.split(':')[3] === ''));
  return global ? undefined : region;
}
