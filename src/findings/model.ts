/**
 * The normalized finding model every stage of the pipeline works on.
 *
 * Normalizers (one per source) turn GuardDuty, Security Hub (ASFF and OCSF), Inspector,
 * Macie and Config inputs into a `Finding`. Action targets come only from
 * `Resource.ids`, never from free text.
 */

/** ASFF severity labels, lowest to highest. */
export const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** An ASFF severity label. */
export type SeverityLabel = (typeof SEVERITY_LABELS)[number];

/** Severity as an ASFF label plus a 0–100 score. */
export interface Severity {
  label: SeverityLabel;
  score: number;
}

/** Where a finding came from. */
export type Source = 'guardduty' | 'securityhub' | 'inspector' | 'macie' | 'config';

/** Structured identifiers of a resource: the only place action targets come from. */
export interface ResourceIds {
  instanceId?: string;
  securityGroupIds?: string[];
  accessKeyId?: string;
  principalName?: string;
  principalType?: 'IAMUser' | 'Role' | 'Root' | 'AssumedRole' | 'FederatedUser';
  bucketName?: string;
  remoteIp?: string;
  [key: string]: string | string[] | undefined;
}

/** A resource a finding is about, with its ASFF resource type (for example `AwsEc2Instance`). */
export interface Resource {
  type: string;
  id: string;
  region?: string;
  tags: Record<string, string>;
  ids: ResourceIds;
}

/** One normalized security finding. */
export interface Finding {
  id: string;
  fingerprint: string;
  source: Source;
  product: string;
  type: string;
  title: string;
  description: string;
  severity: Severity;
  account: string;
  region: string;
  resources: Resource[];
  firstSeen: string;
  lastSeen: string;
  count: number;
  /** The product's own remediation pointer, when it gives one. */
  remediation?: { text?: string; url?: string };
  /** Security Hub workflow status (`NEW`, `NOTIFIED`, `RESOLVED`, `SUPPRESSED`), when known. */
  workflowStatus?: string;
  /** Compliance result for control and Config findings (`FAILED`, `PASSED`, `NON_COMPLIANT`, ...). */
  compliance?: string;
  /**
   * Set when the finding reports its own resolution (a passed check, a resolved or suppressed
   * workflow, an archived record, a compliant Config result): why, in words. Such a finding is
   * never explained as a live problem and never gets an action.
   */
  resolved?: string;
  /** The Security Hub control that checks the same thing (a Config rule's control), when it differs from `type`. */
  control?: string;
  /**
   * The Security Hub custom action that sent the finding (a `Security Hub Findings - Custom
   * Action` event): its name, description and ARN, kept for routing.
   */
  customAction?: { name: string; description?: string; arn?: string };
  /**
   * A few well-known facts about the finding (remote port, protocol, country, domain, CVE, ...),
   * flat and short, for explanations. Never used as an action target.
   */
  details: Record<string, string | number>;
  raw: unknown;
}
