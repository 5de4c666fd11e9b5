/**
 * What a finding says about itself: whether it reports its own resolution. Each source writes it
 * differently (Security Hub compliance and workflow, OCSF status ids, Config results, GuardDuty
 * and Macie archiving, Inspector's CLOSED and SUPPRESSED); this reads them all into one reason.
 */

/** One source field and the values of it that mean "resolved", with how to say so. */
interface Check {
  value: unknown;
  resolved: Readonly<Record<string, string>>;
}

/** The first check whose value means resolved, as a reason; undefined for an open finding. */
function firstResolved(checks: readonly Check[]): string | undefined {
  for (const { value, resolved } of checks) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const key = String(value).toUpperCase();
    if (Object.hasOwn(resolved, key)) return resolved[key];
  }
  return undefined;
}

/** Security Hub ASFF: compliance status, workflow status (and the legacy WorkflowState), record state. */
export function asffResolution(f: { complianceStatus?: string | undefined; workflowStatus?: string | undefined; recordState?: string | undefined }): string | undefined {
  return firstResolved([
    { value: f.complianceStatus, resolved: { PASSED: 'the control check PASSED', NOT_AVAILABLE: 'the control check is NOT_AVAILABLE (the resource is gone or the check does not apply)' } },
    { value: f.workflowStatus, resolved: { RESOLVED: 'its workflow status is RESOLVED', SUPPRESSED: 'its workflow status is SUPPRESSED' } },
    { value: f.recordState, resolved: { ARCHIVED: 'its record is ARCHIVED' } },
  ]);
}

/** OCSF (Security Hub v2): `compliance.status_id` 1 (Pass), `status_id` 3 (Suppressed), 4 (Resolved), 5 (Archived), or their captions. */
export function ocsfResolution(f: { complianceStatusId?: number | undefined; complianceStatus?: string | undefined; statusId?: number | undefined; status?: string | undefined }): string | undefined {
  return firstResolved([
    { value: f.complianceStatusId, resolved: { '1': 'the compliance check passed (compliance.status_id 1, Pass)' } },
    { value: f.complianceStatus, resolved: { PASS: 'the compliance check passed (compliance.status Pass)', PASSED: 'the compliance check passed' } },
    { value: f.statusId, resolved: { '3': 'its status is Suppressed (status_id 3)', '4': 'its status is Resolved (status_id 4)', '5': 'its status is Archived (status_id 5)' } },
    { value: f.status, resolved: { SUPPRESSED: 'its status is Suppressed', RESOLVED: 'its status is Resolved', ARCHIVED: 'its status is Archived' } },
  ]);
}

/** AWS Config: the new evaluation result. */
export function configResolution(complianceType: string): string | undefined {
  return firstResolved([
    { value: complianceType, resolved: { COMPLIANT: 'AWS Config now evaluates the resource as COMPLIANT', NOT_APPLICABLE: 'the rule no longer applies to the resource (NOT_APPLICABLE)' } },
  ]);
}

/** GuardDuty: `service.archived`. */
export function guardDutyResolution(archived: boolean | undefined): string | undefined {
  return archived === true ? 'GuardDuty archived it (service.archived is true)' : undefined;
}

/** Macie: `archived`. */
export function macieResolution(archived: unknown): string | undefined {
  return archived === true ? 'Macie archived it (archived is true)' : undefined;
}

/** Inspector: `status` CLOSED (fixed) or SUPPRESSED. */
export function inspectorResolution(status: string | undefined): string | undefined {
  return firstResolved([{ value: status, resolved: { CLOSED: 'Inspector closed it (status CLOSED: the vulnerability is no longer present)', SUPPRESSED: 'Inspector suppresses it (status SUPPRESSED)' } }]);
}
