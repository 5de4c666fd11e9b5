/**
 * GuardDuty findings: the `detail` of a `GuardDuty Finding` EventBridge event, or one element of
 * GetFindings' `Findings` (the same shape, camelCase).
 */
import { shape } from './validator.js';
import { fingerprint } from '../fingerprint.js';
import type { Finding, Resource } from '../model.js';
import { guardDutyResolution } from '../status.js';
import { LIMITS, arnName, guardDutySeverity, isObject, requireDate, resource, str, tagList, validate } from './common.js';
import { own } from '../../util/own.js';

const schema = shape.object({
  schemaVersion: shape.string().max(32).optional(),
  accountId: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  region: str(32),
  id: str(LIMITS.id),
  arn: shape.string().max(LIMITS.id).optional(),
  type: str(LIMITS.type),
  severity: shape.number().min(0).max(10),
  title: shape.string().max(LIMITS.title).optional(),
  description: shape.string().max(LIMITS.description).optional(),
  createdAt: shape.string().max(64),
  updatedAt: shape.string().max(64),
  resource: shape.object({ resourceType: str(128) }),
  service: shape
    .object({
      count: shape.number().int().min(0).optional(),
      eventFirstSeen: shape.string().max(64).optional(),
      eventLastSeen: shape.string().max(64).optional(),
      archived: shape.boolean().optional(),
    })
    .optional(),
});

type Raw = Record<string, unknown>;

const obj = (v: unknown): Raw => (isObject(v) ? v : {});
const s = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && v.length <= LIMITS.shortText ? v : undefined);

/** The remote IP GuardDuty observed, from whichever action the finding carries. */
export function guardDutyRemoteIp(service: Raw): string | undefined {
  const action = obj(service.action);
  const candidates = [
    obj(obj(action.networkConnectionAction).remoteIpDetails),
    obj(obj(action.awsApiCallAction).remoteIpDetails),
    obj(obj(action.kubernetesApiCallAction).remoteIpDetails),
    obj(obj(action.rdsLoginAttemptAction).remoteIpDetails),
    ...(Array.isArray(obj(action.portProbeAction).portProbeDetails)
      ? (obj(action.portProbeAction).portProbeDetails as unknown[]).slice(0, 1).map((d) => obj(obj(d).remoteIpDetails))
      : []),
  ];
  for (const c of candidates) {
    const ip = s(c.ipAddressV4) ?? s(c.ipAddressV6);
    if (ip !== undefined) return ip;
  }
  return undefined;
}

/** Short, flat facts from the finding's action, for explanations. */
function details(service: Raw): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const action = obj(service.action);
  const put = (k: string, v: unknown): void => {
    if (k in out) return;
    if (typeof v === 'string' && v !== '' && v.length <= 256) out[k] = v;
    else if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  };
  put('actionType', action.actionType);
  const net = obj(action.networkConnectionAction);
  put('connectionDirection', net.connectionDirection);
  put('protocol', net.protocol);
  put('remotePort', obj(net.remotePortDetails).port);
  put('localPort', obj(net.localPortDetails).port);
  const probe = Array.isArray(obj(action.portProbeAction).portProbeDetails) ? obj((obj(action.portProbeAction).portProbeDetails as unknown[])[0]) : {};
  put('localPort', obj(probe.localPortDetails).port);
  const api = obj(action.awsApiCallAction);
  put('api', api.api);
  put('apiServiceName', api.serviceName);
  put('domain', obj(action.dnsRequestAction).domain);
  put('userAgent', api.userAgent);
  put('userAgent', obj(obj(service.additionalInfo).userAgent).fullUserAgent);
  const proc = obj(obj(service.runtimeDetails).process);
  put('processName', proc.name);
  put('processPath', proc.executablePath);
  const threats = obj(service.malwareScanDetails).threats;
  if (Array.isArray(threats)) put('threatName', obj(threats[0]).name);
  put('requestUri', obj(action.kubernetesApiCallAction).requestUri);
  put('verb', obj(action.kubernetesApiCallAction).verb);
  for (const source of [net, api, obj(action.kubernetesApiCallAction), obj(action.rdsLoginAttemptAction), probe]) {
    const ip = obj(source.remoteIpDetails);
    put('country', obj(ip.country).countryName);
    put('city', obj(ip.city).cityName);
    put('organization', obj(ip.organization).org);
  }
  return out;
}

/** Short facts about the workload: Kubernetes user and workload, ECS task, container, S3 object, database user. */
function resourceDetails(res: Raw): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown): void => {
    if (!(k in out) && typeof v === 'string' && v !== '' && v.length <= 1024) out[k] = v;
  };
  const k8s = obj(res.kubernetesDetails);
  put('kubernetesUser', obj(k8s.kubernetesUserDetails).username);
  const workload = obj(k8s.kubernetesWorkloadDetails);
  put('namespace', workload.namespace);
  put('workloadName', workload.name);
  put('workloadType', workload.type);
  const task = obj(obj(res.ecsClusterDetails).taskDetails);
  put('taskDefinitionArn', task.definitionArn);
  const firstContainer = [obj(res.containerDetails), ...[workload.containers, task.containers].flatMap((c) => (Array.isArray(c) ? c.slice(0, 1).map(obj) : []))];
  for (const c of firstContainer) {
    put('containerName', c.name);
    put('containerImage', c.image);
  }
  for (const b of Array.isArray(res.s3BucketDetails) ? res.s3BucketDetails.slice(0, 1) : []) {
    const objects = obj(b).s3ObjectDetails;
    if (Array.isArray(objects)) put('objectKey', obj(objects[0]).key);
  }
  const user = obj(res.rdsDbUserDetails);
  put('dbUser', user.user);
  put('dbApplication', user.application);
  put('databaseName', user.database);
  return out;
}


function resources(res: Raw, account: string, region: string, partition: string): Resource[] {
  const out: Resource[] = [];
  const instance = obj(res.instanceDetails);
  const instanceId = s(instance.instanceId);
  if (instanceId !== undefined) {
    const groups: string[] = [];
    for (const ni of Array.isArray(instance.networkInterfaces) ? instance.networkInterfaces.slice(0, 32) : []) {
      for (const g of Array.isArray(obj(ni).securityGroups) ? (obj(ni).securityGroups as unknown[]).slice(0, 32) : []) {
        const id = s(obj(g).groupId);
        if (id !== undefined) groups.push(id);
      }
    }
    out.push(
      resource('AwsEc2Instance', `arn:${partition}:ec2:${region}:${account}:instance/${instanceId}`, region, tagList(instance.tags), {
        instanceId,
        securityGroupIds: groups,
      }),
    );
  }
  const key = obj(res.accessKeyDetails);
  const keyId = s(key.accessKeyId);
  const userName = s(key.userName);
  if (keyId !== undefined || userName !== undefined) {
    const userType = s(key.userType);
    const principalType =
      userType === 'Root' || userType === 'AssumedRole' || userType === 'FederatedUser' || userType === 'Role' || userType === 'IAMUser'
        ? userType
        : undefined;
    out.push(
      resource('AwsIamAccessKey', keyId ?? `AWS::IAM::AccessKey:${userName ?? 'unknown'}`, region, {}, {
        accessKeyId: keyId,
        principalName: userName,
        principalType,
        principalId: s(key.principalId),
      }),
    );
  }
  for (const b of Array.isArray(res.s3BucketDetails) ? res.s3BucketDetails.slice(0, LIMITS.resources) : []) {
    const bucket = obj(b);
    const name = s(bucket.name);
    if (name === undefined) continue;
    out.push(resource('AwsS3Bucket', s(bucket.arn) ?? `arn:${partition}:s3:::${name}`, region, tagList(bucket.tags), { bucketName: name }));
  }
  const eks = obj(res.eksClusterDetails);
  const clusterName = s(eks.name);
  if (clusterName !== undefined) {
    out.push(resource('AwsEksCluster', s(eks.arn) ?? clusterName, region, tagList(eks.tags), { clusterName }));
  }
  const ecs = obj(res.ecsClusterDetails);
  const ecsName = s(ecs.name);
  if (ecsName !== undefined) {
    out.push(resource('AwsEcsCluster', s(ecs.arn) ?? ecsName, region, tagList(ecs.tags), { clusterName: ecsName, taskArn: s(obj(ecs.taskDetails).arn) }));
  }
  const container = obj(res.containerDetails);
  const containerId = s(container.id) ?? s(container.name);
  if (containerId !== undefined) {
    out.push(resource('Container', containerId, region, {}, { containerId: s(container.id) }));
  }
  const snapshotArn = s(obj(res.ebsSnapshotDetails).snapshotArn);
  if (snapshotArn !== undefined) {
    out.push(resource('AwsEc2Snapshot', snapshotArn, region, {}, { snapshotId: /snap-[0-9a-f]{8,17}/.exec(snapshotArn)?.[0] }));
  }
  const imageArn = s(obj(res.ec2ImageDetails).imageArn);
  if (imageArn !== undefined) {
    out.push(resource('AwsEc2Image', imageArn, region, {}, { imageId: /ami-[0-9a-f]{8,17}/.exec(imageArn)?.[0] }));
  }
  const recovery = obj(res.recoveryPointDetails);
  const recoveryPointArn = s(recovery.recoveryPointArn);
  if (recoveryPointArn !== undefined) {
    out.push(resource('AwsBackupRecoveryPoint', recoveryPointArn, region, {}, { recoveryPointArn, backupVaultName: s(recovery.backupVaultName) ?? arnName(s(recovery.backupVaultArn)) }));
  }
  const lambda = obj(res.lambdaDetails);
  const functionName = s(lambda.functionName);
  if (functionName !== undefined) {
    out.push(resource('AwsLambdaFunction', s(lambda.functionArn) ?? functionName, region, tagList(lambda.tags), { functionName }));
  }
  const rds = obj(res.rdsDbInstanceDetails);
  const dbId = s(rds.dbInstanceIdentifier);
  if (dbId !== undefined) {
    out.push(resource('AwsRdsDbInstance', s(rds.dbInstanceArn) ?? dbId, region, tagList(rds.tags), { dbInstanceIdentifier: dbId }));
  }
  return out;
}

/** Normalizes one GuardDuty finding object. `where` prefixes field paths in errors (e.g. `detail`). */
export function normalizeGuardDuty(value: unknown, where: string, what: string): Finding {
  const f = validate(schema, value, where, what);
  const raw = value as Raw;
  const partition = typeof raw.partition === 'string' && raw.partition.length <= 16 ? raw.partition : 'aws';
  const service = obj(raw.service);
  const res = resources(obj(raw.resource), f.accountId, f.region, partition);
  const remoteIp = guardDutyRemoteIp(service);
  const first = res[0];
  if (remoteIp !== undefined && first !== undefined) first.ids.remoteIp = remoteIp;
  // The resource GuardDuty names as the subject goes first; the others (the actor's key) follow.
  const primaryType: Record<string, string> = {
    S3Bucket: 'AwsS3Bucket',
    S3Object: 'AwsS3Bucket',
    EKSCluster: 'AwsEksCluster',
    ECSCluster: 'AwsEcsCluster',
    Container: 'Container',
    Lambda: 'AwsLambdaFunction',
    RDSDBInstance: 'AwsRdsDbInstance',
    EBSSnapshot: 'AwsEc2Snapshot',
    EC2Image: 'AwsEc2Image',
    RecoveryPoint: 'AwsBackupRecoveryPoint',
  };
  const want = own(primaryType, f.resource.resourceType);
  if (want !== undefined) res.sort((a, b) => Number(b.type === want) - Number(a.type === want));
  if (res.length === 0) {
    res.push(resource(`GuardDuty${f.resource.resourceType}`, f.arn ?? f.id, f.region, {}, {}));
  }
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const createdAt = requireDate(f.createdAt, field('createdAt'), what);
  const updatedAt = requireDate(f.updatedAt, field('updatedAt'), what);
  const out: Finding = {
    id: f.arn ?? f.id,
    fingerprint: fingerprint({ kind: 'product', product: 'guardduty', account: f.accountId, region: f.region, nativeId: f.id }),
    source: 'guardduty',
    product: 'GuardDuty',
    type: f.type,
    title: f.title ?? f.type,
    description: f.description ?? '',
    severity: guardDutySeverity(f.severity),
    account: f.accountId,
    region: f.region,
    resources: res,
    firstSeen: f.service?.eventFirstSeen !== undefined ? requireDate(f.service.eventFirstSeen, field('service.eventFirstSeen'), what) : createdAt,
    lastSeen: f.service?.eventLastSeen !== undefined ? requireDate(f.service.eventLastSeen, field('service.eventLastSeen'), what) : updatedAt,
    count: f.service?.count ?? 1,
    details: { ...details(service), ...resourceDetails(obj(raw.resource)) },
    raw: value,
  };
  const resolved = guardDutyResolution(f.service?.archived);
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
