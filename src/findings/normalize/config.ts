/**
 * AWS Config: the `detail` of a `Config Rules Compliance Change` event. The finding's type is the
 * rule name; a change to NON_COMPLIANT is a MEDIUM finding, anything else informational.
 */
import { z } from 'zod';
import { controlRegion, fingerprint } from '../fingerprint.js';
import type { Finding, ResourceIds } from '../model.js';
import { configResolution } from '../status.js';
import { LIMITS, asffTypeFromCfn, idsFromArn, requireDate, resource, severityFromWord, str, validate } from './common.js';

const evaluation = z.looseObject({
  evaluationResultIdentifier: z
    .looseObject({
      evaluationResultQualifier: z.looseObject({ resourceType: str(256).optional(), resourceId: str(LIMITS.id).optional() }).optional(),
    })
    .optional(),
  complianceType: z.enum(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
  resultRecordedTime: z.string().max(64).optional(),
  annotation: z.string().max(LIMITS.shortText).optional(),
});

const schema = z.looseObject({
  resourceId: str(LIMITS.id),
  resourceType: str(256),
  awsRegion: str(32),
  awsAccountId: z.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  configRuleName: str(256),
  configRuleARN: z.string().max(LIMITS.id).optional(),
  messageType: z.string().max(64).optional(),
  notificationCreationTime: z.string().max(64),
  newEvaluationResult: evaluation,
  oldEvaluationResult: evaluation.optional(),
});

// Config's resourceId is a name or id usable as a target only for these types.
const TARGETABLE = new Set(['AwsEc2Instance', 'AwsEc2SecurityGroup', 'AwsS3Bucket', 'AwsLambdaFunction']);

/** Normalizes one Config rule compliance change. */
export function normalizeConfig(value: unknown, where: string, what: string): Finding {
  const f = validate(schema, value, where, what);
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const type = asffTypeFromCfn(f.resourceType);
  const ids: ResourceIds = TARGETABLE.has(type) ? idsFromArn(type, f.resourceId) : {};
  const resources = [resource(type, f.resourceId, f.awsRegion, {}, ids)];
  const result = f.newEvaluationResult.complianceType;
  const when = requireDate(f.notificationCreationTime, field('notificationCreationTime'), what);
  const recorded = f.newEvaluationResult.resultRecordedTime;
  const details: Record<string, string | number> = { resourceType: f.resourceType };
  if (f.oldEvaluationResult !== undefined) details.previousCompliance = f.oldEvaluationResult.complianceType;
  const description =
    f.newEvaluationResult.annotation ??
    `AWS Config rule ${f.configRuleName} evaluated ${f.resourceType} ${f.resourceId} as ${result}.`;
  const out: Finding = {
    id: `${f.configRuleARN ?? f.configRuleName}/${f.resourceType}/${f.resourceId}`,
    fingerprint: fingerprint({ kind: 'control', control: `config:${f.configRuleName}`, account: f.awsAccountId, region: controlRegion(f.awsRegion, resources), resourceIds: [`${f.resourceType}/${f.resourceId}`] }),
    source: 'config',
    product: 'Config',
    type: f.configRuleName,
    title: `${f.resourceType} ${f.resourceId} is ${result} with rule ${f.configRuleName}`,
    description,
    severity: result === 'NON_COMPLIANT' ? severityFromWord('MEDIUM') : severityFromWord('INFORMATIONAL'),
    account: f.awsAccountId,
    region: f.awsRegion,
    resources,
    firstSeen: recorded !== undefined ? requireDate(recorded, field('newEvaluationResult.resultRecordedTime'), what) : when,
    lastSeen: when,
    count: 1,
    compliance: result,
    details,
    raw: value,
  };
  const resolved = configResolution(result);
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
