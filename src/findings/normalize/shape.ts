/**
 * Which source a raw finding (one not wrapped in an EventBridge event) comes from, by the keys
 * that only that source's findings carry. Several keys are weighed so that a finding missing one
 * required field is still recognised, and then rejected for that field (`MissingField`), not as
 * an unknown record. API response pages (`{"Findings": [...]}` as the SDKs and the AWS CLI
 * return them) are recognised here too.
 */
import type { Finding } from '../model.js';
import { normalizeAsff } from './asff.js';
import { isObject } from './common.js';
import { normalizeConfig } from './config.js';
import { normalizeGuardDuty } from './guardduty.js';
import { normalizeInspector2 } from './inspector2.js';
import { normalizeMacie } from './macie.js';
import { normalizeOcsf } from './ocsf.js';

/** Normalizes one record of a known source. */
export type One = (value: unknown, where: string, what: string) => Finding;

interface Signature {
  normalize: One;
  /** Keys only this source's findings carry; each present one counts. */
  keys: readonly string[];
  /** Keys that decide on their own. */
  decisive: readonly string[];
}

const SIGNATURES: readonly Signature[] = [
  { normalize: normalizeAsff, keys: ['SchemaVersion', 'ProductArn', 'GeneratorId', 'AwsAccountId', 'Resources', 'Types'], decisive: ['ProductArn', 'AwsAccountId'] },
  { normalize: normalizeOcsf, keys: ['finding_info', 'cloud', 'metadata', 'class_uid', 'category_uid', 'severity_id'], decisive: ['finding_info', 'class_uid'] },
  { normalize: normalizeInspector2, keys: ['findingArn', 'awsAccountId', 'inspectorScore', 'packageVulnerabilityDetails', 'networkReachabilityDetails', 'codeVulnerabilityDetails', 'exploitAvailable', 'fixAvailable'], decisive: ['findingArn', 'inspectorScore', 'packageVulnerabilityDetails', 'networkReachabilityDetails', 'codeVulnerabilityDetails'] },
  { normalize: normalizeMacie, keys: ['resourcesAffected', 'accountId', 'classificationDetails', 'policyDetails', 'category', 'sample', 'archived'], decisive: ['resourcesAffected', 'classificationDetails', 'policyDetails'] },
  { normalize: normalizeGuardDuty, keys: ['service', 'resource', 'accountId', 'schemaVersion', 'arn', 'partition'], decisive: ['service', 'resource'] },
  { normalize: normalizeConfig, keys: ['configRuleName', 'newEvaluationResult', 'oldEvaluationResult', 'configRuleARN', 'awsRegion', 'resourceType', 'notificationCreationTime'], decisive: ['configRuleName', 'newEvaluationResult'] },
];

/** A GuardDuty finding as the SDKs and the AWS CLI print it: member names in PascalCase. */
function isPascalGuardDuty(v: Record<string, unknown>): boolean {
  return 'AccountId' in v && ('Service' in v || 'Resource' in v) && !('AwsAccountId' in v);
}

/** `AccountId` -> `accountId`, recursively (GuardDuty's wire names are its member names, first letter lower-cased). */
export function camelKeys(value: unknown, depth = 0): unknown {
  if (depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => camelKeys(v, depth + 1));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = k.length > 0 ? k.charAt(0).toLowerCase() + k.slice(1) : k;
    if (key === '__proto__') continue;
    out[key] = camelKeys(v, depth + 1);
  }
  return out;
}

const normalizePascalGuardDuty: One = (value, where, what) => normalizeGuardDuty(camelKeys(value), where, what);

/** The normalizer for a raw finding, or undefined when no source recognises it. */
export function rawNormalizer(v: Record<string, unknown>): One | undefined {
  if (isPascalGuardDuty(v)) return normalizePascalGuardDuty;
  let best: Signature | undefined;
  let bestScore = 0;
  for (const sig of SIGNATURES) {
    let score = 0;
    for (const k of sig.keys) if (Object.hasOwn(v, k)) score += sig.decisive.includes(k) ? 2 : 1;
    if (score > bestScore) {
      best = sig;
      bestScore = score;
    }
  }
  // One decisive key and one more, or two ordinary ones: a shape that is plainly this source's.
  return bestScore >= 3 ? best?.normalize : undefined;
}

/** Keys an API response page may carry beside its list of findings. */
const PAGE_KEYS = new Set(['NextToken', 'nextToken', 'ResponseMetadata', '$metadata', 'UnprocessedFindings', 'unprocessedFindings']);

/**
 * The findings list of an API response page: `{"Findings": [...]}` (Security Hub, GuardDuty
 * GetFindings, Security Hub v2 GetFindingsV2), `{"findings": [...]}` (Inspector2 ListFindings,
 * Macie GetFindings), with `NextToken`, `ResponseMetadata` (boto3) or `$metadata` (SDK v3) beside it.
 */
export function pageOf(value: Record<string, unknown>): { key: string; list: unknown[] } | undefined {
  for (const key of ['Findings', 'findings']) {
    const list = value[key];
    if (Array.isArray(list) && Object.keys(value).every((k) => k === key || PAGE_KEYS.has(k))) return { key, list };
  }
  return undefined;
}
