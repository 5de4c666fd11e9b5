/**
 * AWS Config: the `detail` of a `Config Rules Compliance Change` event. The finding's type is the
 * rule name; a change to NON_COMPLIANT is a MEDIUM finding, anything else informational.
 */
import { shape } from './validator.js';
import { controlRegion, fingerprint } from '../fingerprint.js';
import type { Finding, ResourceIds } from '../model.js';
import { configResolution } from '../status.js';
import { controlOfRule, managedRuleOf } from './config-rules.js';
import { LIMITS, asffTypeFromCfn, idsFromArn, requireDate, resource, severityFromWord, str, validate } from './common.js';

const evaluation = shape.object({
  evaluationResultIdentifier: shape
    .object({
      evaluationResultQualifier: shape.object({ resourceType: str(256).optional(), resourceId: str(LIMITS.id).optional() }).optional(),
    })
    .optional(),
  complianceType: shape.enum(['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA']),
  resultRecordedTime: shape.string().max(64).optional(),
  annotation: shape.string().max(LIMITS.shortText).optional(),
});

const schema = shape.object({
  resourceId: str(LIMITS.id),
  resourceType: str(256),
  awsRegion: str(32),
  awsAccountId: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  configRuleName: str(256),
  configRuleARN: shape.string().max(LIMITS.id).optional(),
  messageType: shape.string().max(64).optional(),
  notificationCreationTime: shape.string().max(64),
  newEvaluationResult: evaluation,
  oldEvaluationResult: evaluation.optional(),
});

// Config's resourceId is the resource's name or id for these types (for others, such as IAM
// users or RDS instances, it is an internal id that no command accepts).
const TARGETABLE = new Set([
  'AwsEc2Instance', 'AwsEc2SecurityGroup', 'AwsEc2Vpc', 'AwsEc2Subnet', 'AwsEc2Volume', 'AwsEc2NetworkAcl', 'AwsEc2NetworkInterface',
  'AwsS3Bucket', 'AwsLambdaFunction', 'AwsKmsKey', 'AwsDynamoDbTable', 'AwsEksCluster', 'AwsEcrRepository', 'AwsCloudTrailTrail',
]);

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
  const managedRule = managedRuleOf(f.configRuleName);
  const details: Record<string, string | number> = { resourceType: f.resourceType, managedRule };
  if (f.newEvaluationResult.annotation !== undefined) details.annotation = f.newEvaluationResult.annotation.slice(0, 256);
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
  const control = controlOfRule(f.configRuleName);
  if (control !== undefined) out.control = control;
  const resolved = configResolution(result);
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
