/**
 * Security Hub's OCSF findings: the elements of `detail.findings` in a `Findings Imported V2`
 * event (Compliance, Detection and Vulnerability Finding classes).
 */
import { shape } from './validator.js';
import { InputError } from '../errors.js';
import { controlRegion, fingerprint } from '../fingerprint.js';
import type { Finding, Resource } from '../model.js';
import { ocsfResolution } from '../status.js';
import { LIMITS, asffTypeFromCfn, idsFromArn, isObject, requireDate, resource, severityFromWord, str, tagList, validate } from './common.js';

const schema = shape.object({
  class_uid: shape.number().int().optional(),
  finding_info: shape.object({
    uid: str(LIMITS.id),
    title: str(LIMITS.title),
    desc: shape.string().max(LIMITS.description).optional(),
    types: shape.array(str(256)).max(50).optional(),
    first_seen_time_dt: shape.string().max(64).optional(),
    last_seen_time_dt: shape.string().max(64).optional(),
    created_time_dt: shape.string().max(64).optional(),
  }),
  metadata: shape.object({ version: shape.string().max(32).optional(), product: shape.object({ name: shape.string().max(128).optional(), uid: shape.string().max(LIMITS.id).optional() }).optional() }),
  severity: shape.string().max(32).optional(),
  severity_id: shape.number().int().min(0).max(99).optional(),
  cloud: shape.object({ account: shape.object({ uid: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id') }), region: str(32) }),
  resources: shape
    .array(shape.object({ type: str(256), uid: str(LIMITS.id), uid_alt: shape.string().max(LIMITS.id).optional(), region: shape.string().max(32).optional() }))
    .max(32)
    .optional(),
  compliance: shape.object({ control: shape.string().max(64).optional(), status: shape.string().max(32).optional(), status_id: shape.number().int().optional() }).optional(),
  remediation: shape.object({ desc: shape.string().max(LIMITS.shortText).optional(), references: shape.array(shape.string().max(2048)).max(20).optional() }).optional(),
  status: shape.string().max(32).optional(),
  status_id: shape.number().int().optional(),
  time_dt: shape.string().max(64).optional(),
  count: shape.number().int().min(0).optional(),
});

const SEVERITY_IDS = ['INFORMATIONAL', 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'CRITICAL'];

/** Normalizes one OCSF finding. */
export function normalizeOcsf(value: unknown, where: string, what: string): Finding {
  const f = validate(schema, value, where, what);
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const version = f.metadata.version;
  if (version !== undefined && !/^[1-9]\d*\./.test(version)) {
    throw new InputError('UnsupportedRecord', `${what}: field "${field('metadata.version')}" is OCSF schema ${JSON.stringify(version.slice(0, 32))}; firebreak reads OCSF 1.0 and later (Security Hub writes 1.1 or later)`, { field: field('metadata.version') });
  }
  const account = f.cloud.account.uid;
  const region = f.cloud.region;
  const productName = f.metadata.product?.name ?? 'Security Hub';
  const family = productName.toLowerCase().replace(/^amazon |^aws /, '').replace(/\s+/g, '');
  const rawResources = (value as { resources?: unknown[] }).resources ?? [];
  const resources: Resource[] = (f.resources ?? []).map((r, i) => {
    const type = r.type.includes('::') ? asffTypeFromCfn(r.type) : r.type;
    const rawR = rawResources[i];
    const tags = isObject(rawR) ? tagList(rawR.tags) : {};
    // uid may be a bare id (an IAM policy's ANPA..., a queue URL); uid_alt then holds the ARN.
    const arn = r.uid_alt !== undefined && r.uid_alt.startsWith('arn:') ? r.uid_alt : undefined;
    const ids = { ...idsFromArn(type, r.uid), ...(arn === undefined ? {} : idsFromArn(type, arn)) };
    return resource(type, arn ?? r.uid, r.region ?? region, tags, ids);
  });
  if (resources.length === 0) resources.push(resource('AwsAccount', `AWS::::Account:${account}`, region, {}, {}));
  const control = f.compliance?.control;
  const label = f.severity ?? SEVERITY_IDS[f.severity_id ?? 0] ?? 'INFORMATIONAL';
  const info = f.finding_info;
  const last = info.last_seen_time_dt ?? f.time_dt ?? info.created_time_dt;
  const first = info.first_seen_time_dt ?? info.created_time_dt ?? last;
  if (first === undefined || last === undefined) {
    requireDate(undefined, field('finding_info.first_seen_time_dt'), what);
  }
  const nativeId = family === 'guardduty' ? (/\/finding\/([^/]+)$/.exec(info.uid)?.[1] ?? info.uid) : info.uid;
  const out: Finding = {
    id: info.uid,
    fingerprint:
      control !== undefined
        ? fingerprint({ kind: 'control', control, account, region: controlRegion(region, resources), resourceIds: resources.map((r) => r.id) })
        : fingerprint({ kind: 'product', product: family, account, region, nativeId }),
    source: 'securityhub',
    product: productName,
    type: control ?? info.types?.[0] ?? info.title,
    title: info.title,
    description: info.desc ?? '',
    severity: severityFromWord(label),
    account,
    region,
    resources,
    firstSeen: requireDate(first, field('finding_info.first_seen_time_dt'), what),
    lastSeen: requireDate(last, field('finding_info.last_seen_time_dt'), what),
    count: f.count ?? 1,
    details: {},
    raw: value,
  };
  const url = f.remediation?.references?.[0];
  if (f.remediation?.desc !== undefined || url !== undefined) {
    out.remediation = {};
    if (f.remediation?.desc !== undefined) out.remediation.text = f.remediation.desc;
    if (url !== undefined) out.remediation.url = url;
  }
  if (f.status !== undefined) out.workflowStatus = f.status.toUpperCase();
  if (f.compliance?.status !== undefined) {
    const status = f.compliance.status.toUpperCase();
    out.compliance = status === 'FAIL' ? 'FAILED' : status === 'PASS' ? 'PASSED' : status;
  }
  const resolved = ocsfResolution({ complianceStatusId: f.compliance?.status_id, complianceStatus: f.compliance?.status, statusId: f.status_id, status: f.status });
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
