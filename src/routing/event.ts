/**
 * The EventBridge event a finding arrives in. Route patterns are EventBridge patterns, so they
 * are matched against the event EventBridge would deliver for the finding: GuardDuty, Inspector,
 * Macie and Config put the finding in `detail`; Security Hub puts it alone in `detail.findings`.
 * A pattern that matches here matches the same finding on a real event bus.
 */
import type { Finding } from '../findings/model.js';

interface Envelope {
  source: string;
  detailType: string;
  /** The event's `detail` for one raw finding. */
  detail: (raw: unknown) => unknown;
}

const single = (raw: unknown): unknown => raw;
const inList = (raw: unknown): unknown => ({ findings: [raw] });

const ENVELOPES: Record<Finding['source'], Envelope> = {
  guardduty: { source: 'aws.guardduty', detailType: 'GuardDuty Finding', detail: single },
  securityhub: { source: 'aws.securityhub', detailType: 'Security Hub Findings - Imported', detail: inList },
  inspector: { source: 'aws.inspector2', detailType: 'Inspector2 Finding', detail: single },
  macie: { source: 'aws.macie', detailType: 'Macie Finding', detail: single },
  config: { source: 'aws.config', detailType: 'Config Rules Compliance Change', detail: single },
};

/** The EventBridge event for `finding`, built from its raw form. */
export function eventOf(finding: Finding): Record<string, unknown> {
  const raw = finding.raw;
  const ocsf = finding.source === 'securityhub' && raw !== null && typeof raw === 'object' && 'finding_info' in raw;
  const envelope = ENVELOPES[finding.source];
  const action = finding.customAction;
  if (action !== undefined) {
    // As a custom action sends it: the action's ARN in resources, its name beside the findings.
    return {
      version: '0',
      id: finding.id,
      'detail-type': 'Security Hub Findings - Custom Action',
      source: envelope.source,
      account: finding.account,
      time: finding.lastSeen,
      region: finding.region,
      resources: action.arn === undefined ? [] : [action.arn],
      detail: { actionName: action.name, actionDescription: action.description ?? '', findings: [raw] },
    };
  }
  return {
    version: '0',
    id: finding.id,
    'detail-type': ocsf ? 'Findings Imported V2' : envelope.detailType,
    source: envelope.source,
    account: finding.account,
    time: finding.lastSeen,
    region: finding.region,
    resources: finding.source === 'securityhub' ? [finding.id] : [],
    detail: envelope.detail(raw),
  };
}
