/**
 * Amazon Macie findings: the `detail` of a `Macie Finding` event, or one element of GetFindings'
 * `findings`. Policy findings (`Policy:IAMUser/S3BlockPublicAccessDisabled`) and sensitive-data
 * findings (`SensitiveData:S3Object/Personal`).
 */
import { shape } from './validator.js';
import { fingerprint } from '../fingerprint.js';
import type { Finding } from '../model.js';
import { macieResolution } from '../status.js';
import { LIMITS, isObject, requireDate, resource, severityFromWord, str, tagList, validate } from './common.js';

const schema = shape.object({
  schemaVersion: shape.string().max(32).optional(),
  id: str(LIMITS.id),
  accountId: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  region: str(32),
  partition: shape.string().max(16).optional(),
  type: str(LIMITS.type),
  title: str(LIMITS.title),
  description: shape.string().max(LIMITS.description),
  severity: shape.object({ score: shape.number().int().min(1).max(3).optional(), description: shape.enum(['Low', 'Medium', 'High']) }),
  createdAt: shape.string().max(64),
  updatedAt: shape.string().max(64),
  count: shape.number().int().min(0).optional(),
  resourcesAffected: shape.object({
    s3Bucket: shape.object({ name: str(255), arn: shape.string().max(LIMITS.id).optional() }).nullish(),
    s3Object: shape.object({ key: shape.string().max(LIMITS.shortText).optional() }).nullish(),
  }),
});

const CATEGORY_WORDS = new Map([
  ['CREDENTIALS', 'credentials'],
  ['FINANCIAL_INFORMATION', 'financial information'],
  ['PERSONAL_INFORMATION', 'personal information'],
  ['CUSTOM_IDENTIFIER', 'custom identifiers'],
]);

/**
 * What sensitive data Macie found in an object: `sensitiveData` (`AWS_CREDENTIALS x2, CREDIT_CARD_NUMBER x1`),
 * the total count, and the categories in words.
 */
function sensitiveData(classification: unknown): Record<string, string | number> {
  const result = isObject(classification) && isObject(classification.result) ? classification.result : undefined;
  if (result === undefined) return {};
  const found: string[] = [];
  const categories: string[] = [];
  let total = 0;
  for (const group of Array.isArray(result.sensitiveData) ? result.sensitiveData.slice(0, 10) : []) {
    if (!isObject(group)) continue;
    const words = typeof group.category === 'string' ? CATEGORY_WORDS.get(group.category) : undefined;
    if (words !== undefined && !categories.includes(words)) categories.push(words);
    for (const d of Array.isArray(group.detections) ? group.detections.slice(0, 20) : []) {
      if (!isObject(d) || typeof d.type !== 'string' || !/^[A-Z0-9_]{1,64}$/.test(d.type)) continue;
      const n = typeof d.count === 'number' && Number.isSafeInteger(d.count) ? d.count : 0;
      total += n;
      found.push(`${d.type} x${n}`);
    }
  }
  const custom = isObject(result.customDataIdentifiers) ? result.customDataIdentifiers : undefined;
  for (const d of custom !== undefined && Array.isArray(custom.detections) ? custom.detections.slice(0, 20) : []) {
    if (!isObject(d) || typeof d.name !== 'string' || d.name.length > 128) continue;
    const n = typeof d.count === 'number' && Number.isSafeInteger(d.count) ? d.count : 0;
    total += n;
    found.push(`${d.name} x${n}`);
    if (!categories.includes('custom identifiers')) categories.push('custom identifiers');
  }
  const out: Record<string, string | number> = {};
  if (found.length > 0) out.sensitiveData = found.join(', ');
  if (categories.length > 0) out.dataCategories = categories.join(', ');
  if (total > 0) out.detections = total;
  return out;
}

/** Normalizes one Macie finding. */
export function normalizeMacie(value: unknown, where: string, what: string): Finding {
  const f = validate(schema, value, where, what);
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const bucket = f.resourcesAffected.s3Bucket;
  const partition = f.partition ?? 'aws';
  const resources = [];
  if (bucket !== undefined && bucket !== null) {
    const rawBucket = (value as { resourcesAffected: { s3Bucket: Record<string, unknown> } }).resourcesAffected.s3Bucket;
    resources.push(resource('AwsS3Bucket', bucket.arn ?? `arn:${partition}:s3:::${bucket.name}`, f.region, tagList(rawBucket.tags), { bucketName: bucket.name }));
  }
  if (resources.length === 0) resources.push(resource('AwsAccount', `AWS::::Account:${f.accountId}`, f.region, {}, {}));
  const details: Record<string, string | number> = {};
  const raw = value as Record<string, unknown>;
  if (typeof raw.category === 'string' && raw.category.length <= 32) details.category = raw.category;
  const obj = f.resourcesAffected.s3Object;
  if (obj?.key !== undefined && obj.key !== '') details.objectKey = obj.key;
  const sample = raw.sample;
  if (sample === true) details.sample = 'true';
  Object.assign(details, sensitiveData(raw.classificationDetails));
  const bucketRaw = isObject(raw.resourcesAffected) && isObject(raw.resourcesAffected.s3Bucket) ? raw.resourcesAffected.s3Bucket : {};
  const access = isObject(bucketRaw.publicAccess) ? bucketRaw.publicAccess : {};
  if (typeof access.effectivePermission === 'string' && access.effectivePermission.length <= 32) details.effectivePermission = access.effectivePermission;
  const createdAt = requireDate(f.createdAt, field('createdAt'), what);
  const updatedAt = requireDate(f.updatedAt, field('updatedAt'), what);
  const out: Finding = {
    id: f.id,
    fingerprint: fingerprint({ kind: 'product', product: 'macie', account: f.accountId, region: f.region, nativeId: f.id }),
    source: 'macie',
    product: 'Macie',
    type: f.type,
    title: f.title,
    description: f.description,
    severity: severityFromWord(f.severity.description),
    account: f.accountId,
    region: f.region,
    resources,
    firstSeen: createdAt,
    lastSeen: updatedAt,
    count: f.count ?? 1,
    details,
    raw: value,
  };
  const resolved = macieResolution(raw.archived);
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
