import { knownControlFinding } from '../../src/analysis/playbooks/coverage.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { guardDutyEvent, securityHubEvent } from '../../src/findings/samples.js';

/**
 * A normalized sample finding for every exact type and control a playbook matches (a family
 * gets one member type). Macie's `Policy:IAMUser/S3*` types have no GuardDuty sample.
 */
export function samplesFor(types: readonly string[], controls: readonly string[]): Finding[] {
  const events = [
    ...types.map((t) => (t.startsWith('Policy:IAMUser/S3') ? undefined : guardDutyEvent(t.endsWith('*') ? `${t.slice(0, -1)}Sample` : t))).filter((e) => e !== undefined),
    ...(controls.length > 0 ? [securityHubEvent(controls.map((c) => knownControlFinding(c)))] : []),
  ];
  return events.flatMap((e) => normalizeRecord(e, 'sample') as Finding[]);
}
