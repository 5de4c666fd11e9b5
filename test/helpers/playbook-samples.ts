import { knownControlFinding } from '../../src/analysis/playbooks/coverage.js';
import type { Finding } from '../../src/findings/model.js';
import { normalizeRecord } from '../../src/findings/normalize/index.js';
import { configEvent, guardDutyEvent, inspectorEvent, macieEvent, securityHubEvent } from '../../src/findings/samples.js';
import { type InspectorKind, POPULAR_CONFIG_RULES } from '../../src/findings/source-samples.js';

/** The Inspector sample kind for a finding type and resource type. */
function inspectorKind(type: string, resourceTypes: readonly string[] | undefined): InspectorKind {
  if (type === 'NETWORK_REACHABILITY') return 'network';
  if (type === 'CODE_VULNERABILITY') return 'code';
  if (resourceTypes?.includes('AwsEcrContainerImage') === true) return 'ecr';
  if (resourceTypes?.includes('AwsLambdaFunction') === true) return 'lambda';
  return 'ec2';
}

/**
 * A normalized sample finding for every exact type, control and Config rule a playbook matches
 * (a family gets one member type): GuardDuty, Inspector (of the playbook's resource kind) and
 * Macie types from their own samples.
 */
export function samplesFor(types: readonly string[], controls: readonly string[], configRules: readonly string[] = [], resourceTypes?: readonly string[]): Finding[] {
  const events = [
    ...types.map((t) => {
      if (/^(PACKAGE|NETWORK|CODE)_/.test(t)) return inspectorEvent({ kind: inspectorKind(t, resourceTypes) });
      if (t.startsWith('Policy:IAMUser/S3') || t.startsWith('SensitiveData:')) return macieEvent({ type: t });
      return guardDutyEvent(t.endsWith('*') ? `${t.slice(0, -1)}Sample` : t);
    }),
    ...(controls.length > 0 ? [securityHubEvent(controls.map((c) => knownControlFinding(c)))] : []),
    ...configRules.map((rule) => configEvent({ rule, resourceType: POPULAR_CONFIG_RULES.find(([r]) => r === rule)?.[1] ?? 'AWS::EC2::Instance' })),
  ];
  let findings = events.flatMap((e) => normalizeRecord(e, 'sample') as Finding[]);
  // A playbook for generic Inspector packages is reached by resources no specific one claims.
  if (resourceTypes === undefined && types.includes('PACKAGE_VULNERABILITY')) {
    findings = findings.map((f) => (f.source === 'inspector' ? { ...f, resources: f.resources.map((r) => ({ ...r, type: 'CodeRepository' })) } : f));
  }
  return findings;
}
