/**
 * Helpers shared by the normalizers: schema validation that turns the first problem into a coded
 * error naming the field, severity scales, dates, and resource identifiers parsed from ARNs.
 */
import { type Shape, ShapeIssue, type StringShape, shape } from './validator.js';
import { InputError } from '../errors.js';
import type { Resource, ResourceIds, Severity, SeverityLabel } from '../model.js';
import { bare } from '../../util/own.js';

/** Generic caps for free-text fields whose source documents no limit. Larger is rejected. */
export const LIMITS = {
  id: 1024,
  type: 512,
  title: 4096,
  description: 64 * 1024,
  shortText: 2048,
  resources: 64,
  tags: 64,
} as const;

/** A non-empty string with a maximum length. */
export const str = (max: number): StringShape => shape.string().min(1).max(max);

function pathOf(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/**
 * Validates `value` against `schema`; on failure throws an `InputError` for the first problem with
 * a code (`MissingField`, `InvalidField`, `FieldTooLong`, `TooManyItems`) and the field's path
 * prefixed by `prefix` (for example `detail`).
 */
export function validate<T>(schema: Shape<T>, value: unknown, prefix: string, what: string): T {
  try {
    return schema.parse(value);
  } catch (e) {
    if (!(e instanceof ShapeIssue)) throw e;
    const field = [prefix, pathOf(e.path)].filter((s) => s !== '').join('.');
    const name = field === '' ? 'the record' : `field "${field}"`;
    if (e.problem === 'missing') throw new InputError('MissingField', `${what}: ${name} is required but missing`, { field });
    if (e.problem === 'tooLong') throw new InputError('FieldTooLong', `${what}: ${name} is ${String(e.length)} characters; the limit is ${String(e.limit)}`, { field });
    if (e.problem === 'tooMany') throw new InputError('TooManyItems', `${what}: ${name} has more than ${String(e.limit)} items`, { field });
    throw new InputError('InvalidField', `${what}: ${name} is invalid (${e.message})`, { field });
  }
}

const DEFAULT_SCORE: Record<SeverityLabel, number> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 40, HIGH: 70, CRITICAL: 90 };

/** The ASFF label for a 0–100 score: 0, 1–39, 40–69, 70–89, 90–100. */
export function labelForScore(score: number): SeverityLabel {
  if (score <= 0) return 'INFORMATIONAL';
  if (score < 40) return 'LOW';
  if (score < 70) return 'MEDIUM';
  if (score < 90) return 'HIGH';
  return 'CRITICAL';
}

/** Severity from an ASFF label and/or normalized score, filling in whichever is missing as Security Hub does. */
export function asffSeverity(label: SeverityLabel | undefined, normalized: number | undefined): Severity {
  if (label !== undefined) return { label, score: normalized ?? DEFAULT_SCORE[label] };
  const score = Math.max(0, Math.min(100, Math.round(normalized ?? 0)));
  return { label: labelForScore(score), score };
}

/**
 * GuardDuty's 0–10 severity as ASFF: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0,
 * and the score scaled by ten (GuardDuty 8 becomes 80).
 */
export function guardDutySeverity(value: number): Severity {
  const score = Math.max(0, Math.min(100, Math.round(value * 10)));
  let label: SeverityLabel;
  if (value < 1) label = 'INFORMATIONAL';
  else if (value < 4) label = 'LOW';
  else if (value < 7) label = 'MEDIUM';
  else if (value < 9) label = 'HIGH';
  else label = 'CRITICAL';
  return { label, score };
}

/** A severity given only as a word (`High`, `MEDIUM`, `Informational`, `UNTRIAGED`). */
export function severityFromWord(word: string, score?: number): Severity {
  const up = word.toUpperCase();
  const label: SeverityLabel =
    up === 'CRITICAL' || up === 'FATAL' ? 'CRITICAL' : up === 'HIGH' ? 'HIGH' : up === 'MEDIUM' ? 'MEDIUM' : up === 'LOW' ? 'LOW' : 'INFORMATIONAL';
  return { label, score: score ?? DEFAULT_SCORE[label] };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const JAVA_DATE = /^\w{3} (\w{3}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))? UTC (\d{4})$/;

/**
 * Parses the date forms AWS findings use (ISO 8601, epoch milliseconds, and Inspector's
 * `Thu Sep 05 13:06:56.334 UTC 2024`) to ISO 8601; `undefined` when it is none of them.
 */
export function toIsoDate(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
  }
  if (typeof value !== 'string' || value.length > 64) return undefined;
  const fast = canonicalIso(value);
  if (fast !== undefined) return fast;
  const m = JAVA_DATE.exec(value);
  if (m !== null) {
    const month = MONTHS.indexOf(m[1] ?? '');
    if (month < 0) return undefined;
    const ms = Number((m[6] ?? '0').padEnd(3, '0'));
    const d = Date.UTC(Number(m[7]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), ms);
    return Number.isNaN(d) ? undefined : new Date(d).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?Z$/;
const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The common `2024-01-02T03:04:05(.678)Z` form, checked and completed without `Date` (it is hot). */
function canonicalIso(value: string): string | undefined {
  const m = ISO_UTC.exec(value);
  if (m === null) return undefined;
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (month < 1 || month > 12 || day < 1 || day > (DAYS[month - 1] ?? 0) || (month === 2 && day === 29 && !leap(Number(m[1])))) return undefined;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  const ms = (m[7] ?? '.').slice(1).padEnd(3, '0');
  return `${value.slice(0, 19)}.${ms}Z`;
}

/** Like `toIsoDate` but throws `InvalidField` naming the field when the value is present and unparseable. */
export function requireDate(value: unknown, field: string, what: string): string {
  const iso = toIsoDate(value);
  if (iso === undefined) {
    throw new InputError('InvalidField', `${what}: field "${field}" is not a date (${JSON.stringify(value)?.slice(0, 80)})`, { field });
  }
  return iso;
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/** The region inside an ARN, when it has one. */
export function regionOfArn(arn: string | undefined): string | undefined {
  if (arn === undefined) return undefined;
  return arn.split(':').find((part) => REGION.test(part));
}

/** Tags given as `[{key, value}]` or `[{Key, Value}]` as a plain record. */
export function tagList(tags: unknown): Record<string, string> {
  const out = bare<string>();
  if (!Array.isArray(tags)) return out;
  for (const t of tags.slice(0, LIMITS.tags)) {
    if (t === null || typeof t !== 'object') continue;
    const rec = t as Record<string, unknown>;
    const k = rec.key ?? rec.Key ?? rec.name;
    const v = rec.value ?? rec.Value;
    if (typeof k === 'string' && typeof v === 'string') out[k] = v;
  }
  return out;
}

/** The last segment of an ARN or id: `orders-db` from `arn:aws:rds:...:db:orders-db`, `vault` from `...:backup-vault:vault`. */
export function arnName(id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const tail = id.split(/[/:]/).pop();
  return tail === undefined || tail === '' ? id : tail;
}

/**
 * Resources named after a marker in their ARN (or given by bare name): the markers, the
 * identifier the name fills, facts that come with the type, and how to trim the name.
 */
const NAMED_IN_ARN = new Map<string, { markers: string[]; key: string; also?: ResourceIds; trim?: (name: string) => string | undefined }>([
  ['AwsIamUser', { markers: [':user/'], key: 'principalName', also: { principalType: 'IAMUser' } }],
  ['AwsIamRole', { markers: [':role/'], key: 'principalName', also: { principalType: 'Role' } }],
  ['AwsEksCluster', { markers: [':cluster/'], key: 'clusterName' }],
  ['AwsEcsCluster', { markers: [':cluster/'], key: 'clusterName' }],
  // A qualified function ARN ends in a version or alias after the name.
  ['AwsLambdaFunction', { markers: [':function:'], key: 'functionName', trim: (name) => name.split(':')[0] }],
  ['AwsCloudTrailTrail', { markers: [':trail/'], key: 'trailName' }],
  ['AwsKmsKey', { markers: [':key/'], key: 'keyId' }],
  ['AwsRdsDbInstance', { markers: [':db:'], key: 'dbInstanceIdentifier' }],
  ['AwsRdsDbCluster', { markers: [':cluster:'], key: 'dbClusterIdentifier' }],
  ['AwsRdsDbSnapshot', { markers: [':cluster-snapshot:', ':snapshot:'], key: 'dbSnapshotIdentifier' }],
  ['AwsRdsDbClusterSnapshot', { markers: [':cluster-snapshot:', ':snapshot:'], key: 'dbSnapshotIdentifier' }],
  ['AwsGuardDutyDetector', { markers: [':detector/'], key: 'detectorId' }],
  ['AwsAppSyncGraphQlApi', { markers: [':apis/'], key: 'apiId' }],
  ['AwsElbLoadBalancer', { markers: [':loadbalancer/'], key: 'loadBalancerName' }],
  ['AwsSecretsManagerSecret', { markers: [':secret:'], key: 'secretId' }],
  ['AwsDynamoDbTable', { markers: [':table/'], key: 'tableName' }],
  ['AwsEcrRepository', { markers: [':repository/'], key: 'repositoryName' }],
  ['AwsStepFunctionStateMachine', { markers: [':stateMachine:'], key: 'stateMachineName' }],
]);

/** EC2 resources whose id has a fixed prefix (`vpc-0abc...`), wherever it sits in the ARN. */
const EC2_IDS = new Map<string, { prefix: string; key: string; list?: true }>([
  ['AwsEc2Instance', { prefix: 'i', key: 'instanceId' }],
  ['AwsEc2SecurityGroup', { prefix: 'sg', key: 'securityGroupIds', list: true }],
  ['AwsEc2Vpc', { prefix: 'vpc', key: 'vpcId' }],
  ['AwsEc2Subnet', { prefix: 'subnet', key: 'subnetId' }],
  ['AwsEc2NetworkInterface', { prefix: 'eni', key: 'networkInterfaceId' }],
  ['AwsEc2Volume', { prefix: 'vol', key: 'volumeId' }],
  ['AwsEc2Snapshot', { prefix: 'snap', key: 'snapshotId' }],
  ['AwsEc2NetworkAcl', { prefix: 'acl', key: 'networkAclId' }],
  ['AwsEc2LaunchTemplate', { prefix: 'lt', key: 'launchTemplateId' }],
  ['AwsEc2TransitGateway', { prefix: 'tgw', key: 'transitGatewayId' }],
  ['AwsEc2VpnConnection', { prefix: 'vpn', key: 'vpnConnectionId' }],
  ['AwsEc2Eip', { prefix: 'eipalloc', key: 'allocationId' }],
  ['AwsEc2ClientVpnEndpoint', { prefix: 'cvpn-endpoint', key: 'clientVpnEndpointId' }],
  ['AwsEc2VpcPeeringConnection', { prefix: 'pcx', key: 'vpcPeeringConnectionId' }],
  ['AwsEc2VpcEndpointService', { prefix: 'vpce-svc', key: 'serviceId' }],
  ['AwsEc2Image', { prefix: 'ami', key: 'imageId' }],
]);

/** An SQS queue's name and URL from its ARN (`arn:aws:sqs:REGION:ACCOUNT:NAME`) or its URL. */
function sqsIds(id: string): ResourceIds {
  const url = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/(\d{12})\/([A-Za-z0-9_.-]{1,80})$/.exec(id);
  if (url !== null) return { queueUrl: id, queueName: url[3] };
  const arn = /^arn:(aws[a-z-]*):sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/.exec(id);
  if (arn === null) return {};
  const domain = arn[1] === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
  return { queueName: arn[4], queueUrl: `https://sqs.${arn[2] ?? ''}.${domain}/${arn[3] ?? ''}/${arn[4] ?? ''}` };
}

/** Reads the identifiers an action needs from a resource's ASFF type and ARN or id. */
export function idsFromArn(type: string, id: string): ResourceIds {
  const ids: ResourceIds = {};
  const tail = id.includes(':') ? (id.split(':').pop() ?? id) : id;
  const after = (prefix: string): string | undefined => {
    const i = id.indexOf(prefix);
    return i >= 0 ? id.slice(i + prefix.length).split('/')[0] : undefined;
  };
  const named = NAMED_IN_ARN.get(type);
  if (named !== undefined) {
    const name = named.markers.map(after).find((v) => v !== undefined) ?? (id.includes(':') ? undefined : id);
    if (name !== undefined) Object.assign(ids, { [named.key]: named.trim === undefined ? name : named.trim(name) }, named.also);
    return ids;
  }
  const ec2 = EC2_IDS.get(type);
  if (ec2 !== undefined) {
    const v = new RegExp(`(?:^|[/:])(${ec2.prefix}-[0-9a-f]{8,17})$`).exec(id)?.[1] ?? new RegExp(`\\b${ec2.prefix}-[0-9a-f]{8,17}\\b`).exec(id)?.[0];
    if (v !== undefined) ids[ec2.key] = ec2.list === true ? [v] : v;
    return ids;
  }
  switch (type) {
    case 'AwsS3Bucket': {
      const v = id.startsWith('arn:') ? tail : id;
      if (v !== '') ids.bucketName = v;
      break;
    }
    case 'AwsIamAccessKey': {
      const v = /\b(AKIA|ASIA)[A-Z0-9]{12,124}\b/.exec(id)?.[0];
      if (v !== undefined) ids.accessKeyId = v;
      break;
    }
    case 'AwsSqsQueue':
      Object.assign(ids, sqsIds(id));
      break;
    case 'AwsSnsTopic':
      if (/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/.test(id)) ids.topicArn = id;
      break;
    case 'AwsEcsService': {
      // arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE (the older form has no cluster).
      const m = /:service\/(?:([^/]+)\/)?([^/]+)$/.exec(id);
      if (m?.[1] !== undefined) ids.clusterName = m[1];
      if (m?.[2] !== undefined) ids.serviceName = m[2];
      break;
    }
    case 'AwsEksNodegroup': {
      // arn:aws:eks:REGION:ACCOUNT:nodegroup/CLUSTER/NODEGROUP/UUID
      const m = /:nodegroup\/([^/]+)\/([^/]+)/.exec(id);
      if (m?.[1] !== undefined) ids.clusterName = m[1];
      if (m?.[2] !== undefined) ids.nodegroupName = m[2];
      break;
    }
    case 'AwsEcsTaskSet': {
      // arn:aws:ecs:REGION:ACCOUNT:task-set/CLUSTER/SERVICE/ID
      const m = /:task-set\/([^/]+)\/([^/]+)\//.exec(id);
      if (m?.[1] !== undefined) ids.clusterName = m[1];
      if (m?.[2] !== undefined) ids.serviceName = m[2];
      break;
    }
    case 'AwsApiGatewayStage':
    case 'AwsApiGatewayV2Stage':
    case 'AwsApiGatewayV2Route':
    case 'AwsApiGatewayV2Integration': {
      // arn:aws:apigateway:REGION::/restapis/ID/stages/NAME, /apis/ID/stages/NAME, /apis/ID/routes/ID, /apis/ID/integrations/ID
      const m = /::\/(restapis|apis)\/([A-Za-z0-9]{1,32})(?:\/(stages|routes|integrations)\/([^/]{1,128}))?$/.exec(id);
      if (m?.[2] !== undefined) ids[m[1] === 'restapis' ? 'restApiId' : 'httpApiId'] = m[2];
      if (m?.[4] !== undefined) ids[m[3] === 'stages' ? 'stageName' : m[3] === 'routes' ? 'routeId' : 'integrationId'] = m[4];
      break;
    }
    case 'AwsWafv2WebAcl':
    case 'AwsWafv2RuleGroup': {
      // arn:aws:wafv2:REGION:ACCOUNT:regional/webacl/NAME/ID (global for CloudFront)
      const m = /:(regional|global)\/(?:webacl|rulegroup)\/([A-Za-z0-9_-]{1,128})\/([0-9a-f-]{36})$/.exec(id);
      if (m !== null) Object.assign(ids, { wafScope: m[1] === 'global' ? 'CLOUDFRONT' : 'REGIONAL', wafName: m[2], wafId: m[3] });
      break;
    }
    case 'AwsBedrockDataSource': {
      const m = /:knowledge-base\/([A-Z0-9]{10})\/data-source\/([A-Z0-9]{10})$/.exec(id);
      if (m !== null) Object.assign(ids, { knowledgeBaseId: m[1], dataSourceId: m[2] });
      break;
    }
    case 'AwsLogsLogGroup': {
      // arn:aws:logs:REGION:ACCOUNT:log-group:NAME (the name may hold slashes; a trailing :* is not part of it)
      const m = /:log-group:([^:]{1,512})(?::\*)?$/.exec(id);
      if (m?.[1] !== undefined) ids.logGroupName = m[1];
      break;
    }
    case 'AwsCognitoIdentityPool': {
      const m = /:identitypool\/([a-z0-9-]+:[0-9a-f-]{36})$/.exec(id);
      if (m?.[1] !== undefined) ids.identityPoolId = m[1];
      break;
    }
    case 'AwsEfsFileSystem':
    case 'AwsEfsAccessPoint':
    case 'AwsEfsMountTarget': {
      const fs = /\bfs-[0-9a-f]{8,17}\b/.exec(id)?.[0];
      if (fs !== undefined) ids.fileSystemId = fs;
      break;
    }
    case 'AwsElbv2LoadBalancer':
      if (id.startsWith('arn:')) ids.loadBalancerArn = id;
      break;
    case 'AwsElbv2Listener':
      if (id.startsWith('arn:')) ids.listenerArn = id;
      break;
    case 'AwsSsmPatchCompliance':
    case 'AwsSsmAssociationCompliance': {
      // Compliance records are per managed instance; the instance id is part of their id.
      const v = /\bi-[0-9a-f]{8,17}\b/.exec(id)?.[0];
      if (v !== undefined) ids.instanceId = v;
      break;
    }
    case 'AwsIamPolicy':
      if (/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\//.test(id)) ids.policyArn = id;
      break;
    default:
      break;
  }
  return ids;
}

/** Builds a resource, dropping identifiers that are empty. */
export function resource(type: string, id: string, region: string | undefined, tags: Record<string, string>, ids: ResourceIds): Resource {
  const clean: ResourceIds = {};
  for (const [k, v] of Object.entries(ids)) {
    if (typeof v === 'string' && v !== '') clean[k] = v;
    else if (Array.isArray(v) && v.length > 0) clean[k] = [...new Set(v)];
  }
  const out: Resource = { type, id, tags, ids: clean };
  if (region !== undefined) out.region = region;
  return out;
}

const SERVICE_NAMES = new Map<string, string>(Object.entries({
  EC2: 'Ec2', IAM: 'Iam', S3: 'S3', RDS: 'Rds', CloudTrail: 'CloudTrail', KMS: 'Kms', Lambda: 'Lambda', ECS: 'Ecs',
  EKS: 'Eks', SNS: 'Sns', SQS: 'Sqs', ElasticLoadBalancingV2: 'Elbv2', ElasticLoadBalancing: 'Elb', DynamoDB: 'DynamoDb',
  SSM: 'Ssm', ECR: 'Ecr', CloudFront: 'CloudFront', SecretsManager: 'SecretsManager', ApiGateway: 'ApiGateway',
  CertificateManager: 'CertificateManager', ElastiCache: 'ElastiCache', ElasticBeanstalk: 'ElasticBeanstalk',
  OpenSearch: 'OpenSearchService', Elasticsearch: 'Elasticsearch', Redshift: 'Redshift', RedshiftServerless: 'RedshiftServerless',
  SageMaker: 'SageMaker', AutoScaling: 'AutoScaling', CodeBuild: 'CodeBuild', EMR: 'Emr', DMS: 'Dms', MSK: 'Msk',
  AppSync: 'AppSync', GuardDuty: 'GuardDuty', CloudWatch: 'CloudWatch', AccessAnalyzer: 'AccessAnalyzer',
  BedrockAgentCore: 'BedrockAgentCore', EFS: 'Efs', WAFv2: 'Wafv2', WAFV2: 'Wafv2', WAF: 'Waf', WAFRegional: 'WafRegional',
  ApiGatewayV2: 'ApiGatewayV2', StepFunctions: 'StepFunction', NetworkFirewall: 'NetworkFirewall', Events: 'Events', AmazonMQ: 'AmazonMq',
  KinesisFirehose: 'KinesisFirehose', DAX: 'Dax', DocDB: 'DocDb', Neptune: 'Neptune', ACMPCA: 'AcmPca', DataSync: 'DataSync',
  ServiceCatalog: 'ServiceCatalog', WorkSpaces: 'WorkSpaces', KafkaConnect: 'KafkaConnect', Route53: 'Route53', Transfer: 'Transfer',
  ACM: 'CertificateManager', CloudFormation: 'CloudFormation', S3Express: 'S3Express', FSx: 'Fsx',
}));

/** Converts a CloudFormation type (`AWS::EC2::SecurityGroup`) to its ASFF name (`AwsEc2SecurityGroup`). */
export function asffTypeFromCfn(cfnType: string): string {
  if (cfnType === 'AWS::::Account') return 'AwsAccount';
  const parts = cfnType.split('::');
  if (parts.length !== 3 || parts[0] !== 'AWS') return cfnType;
  const service = parts[1] ?? '';
  const svc = SERVICE_NAMES.get(service) ?? service.charAt(0).toUpperCase() + service.slice(1).toLowerCase();
  // ASFF writes acronyms as words: DBInstance -> DbInstance, VPNConnection -> VpnConnection.
  const kind = (parts[2] ?? '').replace(/[A-Z]{2,}(?=[A-Z][a-z]|$)/g, (run) => run.charAt(0) + run.slice(1).toLowerCase());
  return `Aws${svc}${kind}`;
}

/** True for a plain JSON object. */
export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
