/**
 * Realistic sample events, like GuardDuty's "generate sample findings": EventBridge events for any
 * GuardDuty finding type or Security Hub control, plus Inspector, Macie, Config and OCSF samples.
 * Identifiers are derived from the type, so the same request gives the same resources.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { asffTypeFromCfn } from './normalize/common.js';
import { base, envelope, hex, type SampleOptions } from './sample-kit.js';
import { configEvent, inspectorEvent, macieEvent } from './source-samples.js';
import { own } from '../util/own.js';

export { configEvent, inspectorEvent, macieEvent, sourceSamples } from './source-samples.js';

export type { SampleOptions } from './sample-kit.js';

type Json = Record<string, unknown>;

/** GuardDuty's default severity for a sample of this type: 8 for threats, 5 for recon, 2 for policy. */
function defaultSeverity(type: string): number {
  if (type.startsWith('AttackSequence:')) return 9;
  if (/^(CryptoCurrency|Backdoor|Trojan|Impact|Exfiltration|CredentialAccess|UnauthorizedAccess:IAMUser\/InstanceCredentialExfiltration|Execution|Persistence|PrivilegeEscalation)/.test(type)) return 8;
  if (/^(Policy|Stealth)/.test(type)) return 2;
  return 5;
}

/** What a sample of a finding type is about: GuardDuty's resource type, and the API call or runtime facts it carries. */
interface SampleKind {
  resourceType: string;
  api?: string;
  apiService?: string;
  runtime?: boolean;
  malware?: boolean;
}

/** API calls behind the custom-rule and control-plane finding types, by the type's service. */
const API_OF: Record<string, [string, string]> = {
  Organizations: ['LeaveOrganization', 'organizations.amazonaws.com'],
  SES: ['UpdateAccountSendingEnabled', 'ses.amazonaws.com'],
  SageMaker: ['CreatePresignedNotebookInstanceUrl', 'sagemaker.amazonaws.com'],
  Route53Resolver: ['DisassociateResolverQueryLogConfig', 'route53resolver.amazonaws.com'],
  RolesAnywhere: ['CreateTrustAnchor', 'rolesanywhere.amazonaws.com'],
  IAM: ['AttachRolePolicy', 'iam.amazonaws.com'],
};

/** The resource a sample of `type` is about; Runtime types cycle instance, EKS, ECS and container by variant. */
function sampleKind(type: string, variant: number): SampleKind {
  const service = /^[A-Za-z0-9]+:([A-Za-z0-9]+)\//.exec(type)?.[1] ?? 'EC2';
  const malware = /MaliciousFile|SuspiciousFile/.test(type);
  if (type.endsWith('!AMI')) return { resourceType: 'EC2Image', malware };
  if (type.endsWith('!Snapshot')) return { resourceType: 'EBSSnapshot', malware };
  if (type.endsWith('!RecoveryPoint')) return { resourceType: 'RecoveryPoint', malware };
  const api = API_OF[service];
  switch (service) {
    case 'IAMUser':
      return { resourceType: 'AccessKey', ...(type.includes('Bedrock') || (type.startsWith('Impact:IAMUser/') && !type.includes('AnomalousBehavior')) ? { api: 'InvokeModel', apiService: 'bedrock.amazonaws.com' } : {}) };
    case 'S3':
      return { resourceType: malware ? 'S3Object' : 'S3Bucket', malware, ...(type.includes('/DisableOrModifyTools') ? { api: 'PutBucketLogging' } : {}) };
    case 'Kubernetes':
    case 'EKS':
      return { resourceType: 'EKSCluster', malware };
    case 'ECS':
      return { resourceType: 'ECSCluster', malware };
    case 'Container':
      return { resourceType: 'Container', malware };
    case 'Runtime':
      return { resourceType: ['Instance', 'EKSCluster', 'ECSCluster', 'Container'][variant % 4] ?? 'Instance', runtime: true };
    case 'Lambda':
      return { resourceType: 'Lambda', ...(type.includes('AccountManipulation') ? { api: 'AddPermission' } : type.includes('ModifyAuthenticationProcess') ? { api: 'CreateFunctionUrlConfig' } : {}) };
    case 'RDS':
      if (type.includes('TransferDataToCloudAccount')) return { resourceType: 'RDSDBInstance', api: 'ModifyDBSnapshotAttribute' };
      return { resourceType: 'RDSDBInstance', ...(/ModifyAuthenticationProcess|ExploitPublicFacing/.test(type) ? { api: 'ModifyDBInstance' } : {}) };
    case 'EC2':
      if (type.includes('TransferDataToCloudAccount')) return { resourceType: 'EBSSnapshot', api: 'ModifySnapshotAttribute' };
      if (type.startsWith('CredentialAccess:EC2/UnsecuredCredentials')) return { resourceType: 'Instance', api: 'GetPasswordData' };
      if (type.startsWith('DefenseImpairment:EC2/')) return { resourceType: 'Instance', api: 'DeleteFlowLogs' };
      if (type.startsWith('LateralMovement:EC2/')) return { resourceType: 'Instance', api: 'SendSSHPublicKey', apiService: 'ec2-instance-connect.amazonaws.com' };
      if (type.startsWith('Persistence:EC2/BootOrLogonInitializationScripts')) return { resourceType: 'Instance', api: 'ModifyInstanceAttribute' };
      if (type.startsWith('Persistence:EC2/ExternalRemoteServices')) return { resourceType: 'Instance', api: 'AuthorizeSecurityGroupIngress' };
      return { resourceType: 'Instance', malware };
    default:
      return api === undefined ? { resourceType: 'AccessKey' } : { resourceType: 'AccessKey', api: api[0], apiService: api[1] };
  }
}

/** A GuardDuty finding object (the `detail` of a `GuardDuty Finding` event) for `type`. */
export function guardDutyFinding(type: string, opts: SampleOptions = {}): Json {
  const b = base(opts);
  const seed = `${type}/${b.variant}`;
  const id = hex(seed, 32);
  const instanceId = `i-${hex(`${seed}i`, 17)}`;
  const remoteIp = `198.51.100.${(parseInt(hex(`${seed}ip`, 2), 16) % 250) + 2}`;
  const inbound = /BruteForce|PortProbe|Portscan/.test(type) && !type.includes('Outbound');
  const instanceDetails = {
    instanceId,
    instanceType: 't3.medium',
    instanceState: 'running',
    availabilityZone: `${b.region}a`,
    imageId: `ami-${hex(`${seed}ami`, 17)}`,
    launchTime: new Date(Date.parse(b.now) - 30 * 86400_000).toISOString(),
    iamInstanceProfile: { arn: `arn:aws:iam::${b.account}:instance-profile/web-app`, id: `AIPA${hex(seed, 16).toUpperCase()}` },
    networkInterfaces: [
      {
        networkInterfaceId: `eni-${hex(`${seed}eni`, 17)}`,
        privateIpAddress: '10.0.1.23',
        publicIp: '203.0.113.10',
        subnetId: `subnet-${hex(`${seed}sn`, 17)}`,
        vpcId: `vpc-${hex(`${seed}vpc`, 17)}`,
        securityGroups: [{ groupId: `sg-${hex(`${seed}sg`, 17)}`, groupName: 'web-app' }],
      },
    ],
    tags: [
      { key: 'Name', value: 'web-app-1' },
      { key: 'team', value: 'payments' },
    ],
  };
  const accessKeyDetails = /CredentialExfiltration/.test(type)
    ? { accessKeyId: `ASIA${hex(`${seed}k`, 16).toUpperCase()}`, principalId: `AROA${hex(`${seed}p`, 17).toUpperCase()}:${instanceId}`, userName: 'web-app', userType: 'AssumedRole' }
    : /RootCredentialUsage/.test(type)
      ? { accessKeyId: `ASIA${hex(`${seed}k`, 16).toUpperCase()}`, principalId: b.account, userName: 'Root', userType: 'Root' }
      : { accessKeyId: `AKIA${hex(`${seed}k`, 16).toUpperCase()}`, principalId: `AIDA${hex(`${seed}p`, 17).toUpperCase()}`, userName: 'ci-deployer', userType: 'IAMUser' };
  const remoteIpDetails = { ipAddressV4: remoteIp, organization: { asn: '64500', asnOrg: 'EXAMPLE-NET', isp: 'Example ISP', org: 'Example Hosting' }, country: { countryName: 'Netherlands' }, city: { cityName: 'Amsterdam' } };
  const apiCall = (api: string, serviceName: string): Json => ({ actionType: 'AWS_API_CALL', awsApiCallAction: { api, serviceName, callerType: 'Remote IP', remoteIpDetails, userAgent: 'aws-cli/2.15.0 Python/3.11.6 Linux/6.1' } });
  const networkAction: Json = /DomainRequest|!DNS|DNSRebind|DoH|DoT|DNSResolver|DNSDataExfiltration/.test(type)
    ? { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: 'pool.example-mining.net', protocol: 'UDP', blocked: false } }
    : {
        actionType: 'NETWORK_CONNECTION',
        networkConnectionAction: {
          connectionDirection: inbound ? 'INBOUND' : 'OUTBOUND',
          protocol: 'TCP',
          blocked: false,
          remoteIpDetails,
          remotePortDetails: { port: inbound ? 51234 : 3333, portName: 'Unknown' },
          localPortDetails: { port: inbound ? 22 : 40112, portName: inbound ? 'SSH' : 'Unknown' },
        },
      };
  const kind = sampleKind(type, b.variant);
  const container = { containerRuntime: 'containerd', id: hex(`${seed}ctr`, 64), name: 'api', image: `${b.account}.dkr.ecr.${b.region}.amazonaws.com/orders-api:1.4.2` };
  const kubernetesDetails = {
    kubernetesUserDetails: { username: 'system:serviceaccount:orders:api', uid: hex(`${seed}uid`, 32), groups: ['system:serviceaccounts'] },
    kubernetesWorkloadDetails: { name: 'orders-api', type: 'deployments', uid: hex(`${seed}wl`, 32), namespace: 'orders', containers: [{ name: 'api', image: container.image }] },
  };
  const eksClusterDetails = { name: 'prod-cluster', arn: `arn:aws:eks:${b.region}:${b.account}:cluster/prod-cluster`, vpcId: 'vpc-0a1b2c3d', status: 'ACTIVE' };
  const ecsClusterDetails = {
    name: 'orders',
    arn: `arn:aws:ecs:${b.region}:${b.account}:cluster/orders`,
    status: 'ACTIVE',
    taskDetails: { arn: `arn:aws:ecs:${b.region}:${b.account}:task/orders/${hex(`${seed}task`, 32)}`, definitionArn: `arn:aws:ecs:${b.region}:${b.account}:task-definition/orders-api:7`, containers: [{ name: 'api', image: container.image }] },
  };
  const resource: Json = { resourceType: kind.resourceType };
  let action: Json = networkAction;
  switch (kind.resourceType) {
    case 'AccessKey':
      resource.accessKeyDetails = accessKeyDetails;
      action = apiCall(kind.api ?? 'ListBuckets', kind.apiService ?? 's3.amazonaws.com');
      break;
    case 'S3Bucket':
    case 'S3Object': {
      const bucket = `customer-exports-${hex(seed, 6)}`;
      resource.accessKeyDetails = accessKeyDetails;
      const details: Json = { arn: `arn:aws:s3:::${bucket}`, name: bucket, type: 'Destination', createdAt: b.earlier, tags: [{ key: 'data', value: 'customer' }], publicAccess: { effectivePermission: 'PUBLIC' } };
      if (kind.resourceType === 'S3Object') details.s3ObjectDetails = [{ objectArn: `arn:aws:s3:::${bucket}/uploads/invoice-2026-11.pdf`, key: 'uploads/invoice-2026-11.pdf', eTag: hex(`${seed}etag`, 32), versionId: hex(`${seed}ver`, 32) }];
      resource.s3BucketDetails = [details];
      action = apiCall(kind.api ?? 'GetObject', 's3.amazonaws.com');
      break;
    }
    case 'EKSCluster':
      resource.eksClusterDetails = eksClusterDetails;
      resource.kubernetesDetails = kubernetesDetails;
      if (kind.runtime) resource.instanceDetails = instanceDetails;
      else action = { actionType: 'KUBERNETES_API_CALL', kubernetesApiCallAction: { requestUri: '/api/v1/namespaces/orders/secrets', verb: 'list', remoteIpDetails, statusCode: 200 } };
      break;
    case 'ECSCluster':
      resource.ecsClusterDetails = ecsClusterDetails;
      resource.containerDetails = container;
      break;
    case 'Container':
      resource.containerDetails = container;
      break;
    case 'Lambda':
      resource.lambdaDetails = { functionName: 'orders-handler', functionArn: `arn:aws:lambda:${b.region}:${b.account}:function:orders-handler`, runtime: 'nodejs20.x', role: `arn:aws:iam::${b.account}:role/orders-handler` };
      if (kind.api !== undefined) {
        resource.accessKeyDetails = accessKeyDetails;
        action = apiCall(kind.api, 'lambda.amazonaws.com');
      }
      break;
    case 'RDSDBInstance':
      resource.rdsDbInstanceDetails = { dbInstanceIdentifier: 'orders-db', engine: 'aurora-postgresql', engineVersion: '15.4', dbClusterIdentifier: 'orders', dbInstanceArn: `arn:aws:rds:${b.region}:${b.account}:db:orders-db` };
      resource.rdsDbUserDetails = { user: 'app_admin', application: 'psql', database: 'orders', ssl: 'on', authMethod: 'PASSWORD' };
      if (kind.api !== undefined) {
        resource.accessKeyDetails = accessKeyDetails;
        action = apiCall(kind.api, 'rds.amazonaws.com');
      } else {
        action = { actionType: 'RDS_LOGIN_ATTEMPT', rdsLoginAttemptAction: { remoteIpDetails, loginAttributes: [{ user: 'app_admin', application: 'psql', successfulLoginAttempts: type.includes('Success') ? 1 : 0, failedLoginAttempts: 40 }] } };
      }
      break;
    case 'EBSSnapshot':
      resource.ebsSnapshotDetails = { snapshotArn: `arn:aws:ec2:${b.region}:${b.account}:snapshot/snap-${hex(`${seed}snap`, 17)}` };
      if (kind.api !== undefined) {
        resource.accessKeyDetails = accessKeyDetails;
        action = apiCall(kind.api, 'ec2.amazonaws.com');
      }
      break;
    case 'EC2Image':
      resource.ec2ImageDetails = { imageArn: `arn:aws:ec2:${b.region}::image/ami-${hex(`${seed}ami`, 17)}` };
      break;
    case 'RecoveryPoint':
      resource.recoveryPointDetails = { recoveryPointArn: `arn:aws:backup:${b.region}:${b.account}:recovery-point:${hex(`${seed}rp`, 8)}-${hex(`${seed}rp2`, 4)}`, backupVaultName: 'production-vault' };
      break;
    default:
      resource.instanceDetails = instanceDetails;
      if (kind.api !== undefined) {
        resource.accessKeyDetails = accessKeyDetails;
        action = apiCall(kind.api, kind.apiService ?? 'ec2.amazonaws.com');
      }
  }
  const count = 3 + (parseInt(hex(`${seed}c`, 2), 16) % 60);
  const names: Record<string, string> = {
    AccessKey: 'an IAM access key',
    S3Bucket: 'an S3 bucket',
    S3Object: 'an S3 object',
    EKSCluster: 'EKS cluster prod-cluster',
    ECSCluster: 'ECS cluster orders',
    Container: 'container api',
    Lambda: 'Lambda function orders-handler',
    RDSDBInstance: 'RDS instance orders-db',
    EBSSnapshot: 'an EBS snapshot',
    EC2Image: 'an AMI',
    RecoveryPoint: 'an AWS Backup recovery point',
  };
  const where = resource.resourceType === 'Instance' ? `EC2 instance ${instanceId}` : (own(names, String(resource.resourceType)) ?? 'a resource');
  return {
    schemaVersion: '2.0',
    accountId: b.account,
    region: b.region,
    partition: 'aws',
    id,
    arn: `arn:aws:guardduty:${b.region}:${b.account}:detector/${hex(`${b.account}det`, 32)}/finding/${id}`,
    type,
    resource,
    service: {
      serviceName: 'guardduty',
      detectorId: hex(`${b.account}det`, 32),
      action,
      resourceRole: inbound ? 'TARGET' : 'ACTOR',
      ...(kind.runtime ? { runtimeDetails: { process: { name: 'xmrig', executablePath: '/tmp/.cache/xmrig', pid: 4242, user: 'www-data', euid: 33 } } } : {}),
      ...(kind.malware ? { malwareScanDetails: { threats: [{ name: 'EICAR-Test-File (not a virus)', source: 'Bitdefender', itemPaths: [{ filePath: '/tmp/eicar.com', hash: hex(`${seed}h`, 64) }] }] } } : {}),
      eventFirstSeen: b.earlier,
      eventLastSeen: b.now,
      archived: false,
      count,
      additionalInfo: { sample: true },
    },
    severity: defaultSeverity(type),
    createdAt: b.earlier,
    updatedAt: b.now,
    title: `${type} activity involving ${where}.`,
    description: `Sample finding generated by firebreak for ${type}: ${where} in account ${b.account} was involved in activity matching this finding type.`,
  };
}

/** A `GuardDuty Finding` EventBridge event for `type`. */
export function guardDutyEvent(type: string, opts: SampleOptions = {}): Json {
  const b = base(opts);
  return envelope('GuardDuty Finding', 'aws.guardduty', b.account, b.region, b.now, guardDutyFinding(type, opts));
}

const CONTROL_RESOURCES: Record<string, (account: string, region: string, seed: string) => Json> = {
  S3: (_a, region, seed) => ({ Type: 'AwsS3Bucket', Id: `arn:aws:s3:::app-assets-${hex(seed, 6)}`, Partition: 'aws', Region: region }),
  EC2: (a, region, seed) => ({ Type: 'AwsEc2SecurityGroup', Id: `arn:aws:ec2:${region}:${a}:security-group/sg-${hex(seed, 17)}`, Partition: 'aws', Region: region, Details: { AwsEc2SecurityGroup: { GroupId: `sg-${hex(seed, 17)}`, GroupName: 'legacy-admin' } } }),
  CloudTrail: (a, region) => ({ Type: 'AwsCloudTrailTrail', Id: `arn:aws:cloudtrail:${region}:${a}:trail/management-events`, Partition: 'aws', Region: region }),
  IAM: (a, region) => ({ Type: 'AwsIamUser', Id: `arn:aws:iam::${a}:user/legacy-admin`, Partition: 'aws', Region: region }),
  KMS: (a, region, seed) => ({ Type: 'AwsKmsKey', Id: `arn:aws:kms:${region}:${a}:key/${hex(seed, 8)}-${hex(seed, 4)}-4${hex(seed, 3)}-8${hex(seed, 3)}-${hex(seed, 12)}`, Partition: 'aws', Region: region }),
  Lambda: (a, region) => ({ Type: 'AwsLambdaFunction', Id: `arn:aws:lambda:${region}:${a}:function:orders-handler`, Partition: 'aws', Region: region }),
  RDS: (a, region) => ({ Type: 'AwsRdsDbInstance', Id: `arn:aws:rds:${region}:${a}:db:orders-db`, Partition: 'aws', Region: region }),
};

/** Controls whose subject is the account (and region) rather than one resource. */
const ACCOUNT_CONTROLS = new Set(['EC2.7', 'S3.1', 'IAM.6', 'IAM.9', 'CloudTrail.1', 'Config.1', 'GuardDuty.1', 'SecurityHub.1', 'Account.1']);

/** Resource types of controls whose type the control reference leaves blank or uncaptured (`data/control-types.tsv`). */
let uncaptured: Map<string, string> | undefined;

function uncapturedType(controlId: string): string | undefined {
  uncaptured ??= new Map(
    readFileSync(fileURLToPath(new URL('./data/control-types.tsv', import.meta.url)), 'utf8')
      .split('\n')
      .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('control_id\t'))
      .map((l) => l.split('\t') as [string, string]),
  );
  return uncaptured.get(controlId);
}

/**
 * The CloudFormation type a sample of `controlId` is about: the first type the control reference
 * lists (it may list several, or carry a stray `+` or a single `:`), a known type for controls it
 * leaves blank, or `fallback`.
 */
export function controlSampleType(controlId: string, listed: string | undefined, fallback = 'AWS::::Account'): string {
  const m = /AWS::(\w+)::?(\w+)/.exec(listed ?? '');
  if (m !== null) return `AWS::${m[1] ?? ''}::${m[2] ?? ''}`;
  return uncapturedType(controlId) ?? fallback;
}

/** The resource of a sample control finding whose CloudFormation resource type is known (`AWS::ELB::LoadBalancer`). */
function controlResource(cfnType: string, account: string, region: string, seed: string): Json {
  if (cfnType === 'AWS::::Account' || !cfnType.startsWith('AWS::')) return { Type: 'AwsAccount', Id: `AWS::::Account:${account}`, Partition: 'aws', Region: region };
  const [, service = 'Unknown', kind = 'Resource'] = cfnType.split('::');
  const type = asffTypeFromCfn(cfnType);
  // Resources built with more than an ARN: the per-service samples, and Details that carry ids.
  const special: Record<string, () => Json | undefined> = {
    AwsS3Bucket: () => CONTROL_RESOURCES.S3?.(account, region, seed),
    AwsEc2SecurityGroup: () => CONTROL_RESOURCES.EC2?.(account, region, seed),
    AwsCloudTrailTrail: () => CONTROL_RESOURCES.CloudTrail?.(account, region, seed),
    AwsIamUser: () => CONTROL_RESOURCES.IAM?.(account, region, seed),
    AwsKmsKey: () => CONTROL_RESOURCES.KMS?.(account, region, seed),
    AwsLambdaFunction: () => CONTROL_RESOURCES.Lambda?.(account, region, seed),
    AwsRdsDbInstance: () => CONTROL_RESOURCES.RDS?.(account, region, seed),
    AwsEc2Instance: () => ({ Type: type, Id: `arn:aws:ec2:${region}:${account}:instance/i-${hex(seed, 17)}`, Partition: 'aws', Region: region, Details: { AwsEc2Instance: { VpcId: `vpc-${hex(`${seed}v`, 17)}`, SubnetId: `subnet-${hex(`${seed}s`, 17)}`, NetworkInterfaces: [{ NetworkInterfaceId: `eni-${hex(`${seed}n`, 17)}` }] } } }),
    AwsEc2Subnet: () => ({ Type: type, Id: `arn:aws:ec2:${region}:${account}:subnet/subnet-${hex(seed, 17)}`, Partition: 'aws', Region: region, Details: { AwsEc2Subnet: { VpcId: `vpc-${hex(`${seed}v`, 17)}` } } }),
  };
  const uuid = (): string => `${hex(seed, 8)}-${hex(`${seed}a`, 4)}-${hex(`${seed}b`, 4)}-${hex(`${seed}c`, 4)}-${hex(`${seed}d`, 12)}`;
  // Resources whose ARN has its own shape (how AWS writes it), with the ids commands need; built only for the type asked for.
  const arns: Record<string, () => string> = {
    AwsElbv2Listener: () => `arn:aws:elasticloadbalancing:${region}:${account}:listener/app/web-alb/${hex(seed, 16)}/${hex(`${seed}l`, 16)}`,
    AwsEc2Vpc: () => `arn:aws:ec2:${region}:${account}:vpc/vpc-${hex(seed, 17)}`,
    AwsEc2NetworkInterface: () => `arn:aws:ec2:${region}:${account}:network-interface/eni-${hex(seed, 17)}`,
    AwsEc2Volume: () => `arn:aws:ec2:${region}:${account}:volume/vol-${hex(seed, 17)}`,
    AwsEc2NetworkAcl: () => `arn:aws:ec2:${region}:${account}:network-acl/acl-${hex(seed, 17)}`,
    AwsEc2LaunchTemplate: () => `arn:aws:ec2:${region}:${account}:launch-template/lt-${hex(seed, 17)}`,
    AwsEc2TransitGateway: () => `arn:aws:ec2:${region}:${account}:transit-gateway/tgw-${hex(seed, 17)}`,
    AwsEc2VpnConnection: () => `arn:aws:ec2:${region}:${account}:vpn-connection/vpn-${hex(seed, 17)}`,
    AwsSqsQueue: () => `arn:aws:sqs:${region}:${account}:orders-${hex(seed, 6)}`,
    AwsSnsTopic: () => `arn:aws:sns:${region}:${account}:alerts-${hex(seed, 6)}`,
    AwsEcsService: () => `arn:aws:ecs:${region}:${account}:service/orders-cluster/orders-api`,
    AwsEcsCluster: () => `arn:aws:ecs:${region}:${account}:cluster/orders-cluster`,
    AwsEksNodegroup: () => `arn:aws:eks:${region}:${account}:nodegroup/prod-cluster/general/${hex(seed, 8)}-${hex(seed, 4)}-${hex(seed, 4)}-${hex(seed, 4)}-${hex(seed, 12)}`,
    AwsEcsTaskSet: () => `arn:aws:ecs:${region}:${account}:task-set/orders-cluster/orders-api/ecs-svc/${hex(seed, 19)}`,
    AwsEksCluster: () => `arn:aws:eks:${region}:${account}:cluster/prod-cluster`,
    AwsGuardDutyDetector: () => `arn:aws:guardduty:${region}:${account}:detector/${hex(seed, 32)}`,
    AwsIamPolicy: () => `arn:aws:iam::${account}:policy/legacy-admin-access`,
    AwsSsmPatchCompliance: () => `arn:aws:ssm:${region}:${account}:managed-instance/i-${hex(seed, 17)}`,
    AwsAppSyncGraphQlApi: () => `arn:aws:appsync:${region}:${account}:apis/${hex(seed, 26)}`,
    AwsRdsDbSnapshot: () => `arn:aws:rds:${region}:${account}:snapshot:orders-db-manual-${hex(seed, 6)}`,
    AwsRdsDbClusterSnapshot: () => `arn:aws:rds:${region}:${account}:cluster-snapshot:catalog-cluster-manual-${hex(seed, 6)}`,
    AwsElbv2LoadBalancer: () => `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/app/web-alb/${hex(seed, 16)}`,
    AwsElbLoadBalancer: () => `arn:aws:elasticloadbalancing:${region}:${account}:loadbalancer/legacy-web`,
    AwsElbv2TargetGroup: () => `arn:aws:elasticloadbalancing:${region}:${account}:targetgroup/web-targets/${hex(seed, 16)}`,
    AwsRdsDbCluster: () => `arn:aws:rds:${region}:${account}:cluster:catalog-cluster`,
    AwsIamRole: () => `arn:aws:iam::${account}:role/ci-deploy`,
    AwsApiGatewayStage: () => `arn:aws:apigateway:${region}::/restapis/${hex(seed, 10)}/stages/prod`,
    AwsApiGatewayV2Stage: () => `arn:aws:apigateway:${region}::/apis/${hex(seed, 10)}/stages/prod`,
    AwsApiGatewayV2Route: () => `arn:aws:apigateway:${region}::/apis/${hex(seed, 10)}/routes/${hex(`${seed}r`, 7)}`,
    AwsApiGatewayV2Integration: () => `arn:aws:apigateway:${region}::/apis/${hex(seed, 10)}/integrations/${hex(`${seed}i`, 7)}`,
    AwsCloudFrontDistribution: () => `arn:aws:cloudfront::${account}:distribution/E${hex(seed, 13).toUpperCase()}`,
    AwsEfsFileSystem: () => `arn:aws:elasticfilesystem:${region}:${account}:file-system/fs-${hex(seed, 17)}`,
    AwsEfsAccessPoint: () => `arn:aws:elasticfilesystem:${region}:${account}:access-point/fsap-${hex(seed, 17)}`,
    AwsEfsMountTarget: () => `arn:aws:elasticfilesystem:${region}:${account}:file-system/fs-${hex(seed, 17)}/mount-target/fsmt-${hex(`${seed}m`, 17)}`,
    AwsLogsLogGroup: () => `arn:aws:logs:${region}:${account}:log-group:/aws/lambda/orders-handler`,
    AwsCognitoUserPool: () => `arn:aws:cognito-idp:${region}:${account}:userpool/${region}_${hex(seed, 9)}`,
    AwsCognitoIdentityPool: () => `arn:aws:cognito-identity:${region}:${account}:identitypool/${region}:${uuid()}`,
    AwsWafWebAcl: () => `arn:aws:waf::${account}:webacl/${uuid()}`,
    AwsWafRule: () => `arn:aws:waf::${account}:rule/${uuid()}`,
    AwsWafRuleGroup: () => `arn:aws:waf::${account}:rulegroup/${uuid()}`,
    AwsWafRegionalWebAcl: () => `arn:aws:waf-regional:${region}:${account}:webacl/${uuid()}`,
    AwsWafRegionalRule: () => `arn:aws:waf-regional:${region}:${account}:rule/${uuid()}`,
    AwsWafRegionalRuleGroup: () => `arn:aws:waf-regional:${region}:${account}:rulegroup/${uuid()}`,
    AwsWafv2WebAcl: () => `arn:aws:wafv2:${region}:${account}:regional/webacl/web-acl/${uuid()}`,
    AwsWafv2RuleGroup: () => `arn:aws:wafv2:${region}:${account}:regional/rulegroup/edge-rules/${uuid()}`,
    AwsNetworkFirewallFirewall: () => `arn:aws:network-firewall:${region}:${account}:firewall/egress-firewall`,
    AwsNetworkFirewallLoggingConfiguration: () => `arn:aws:network-firewall:${region}:${account}:firewall/egress-firewall`,
    AwsNetworkFirewallFirewallPolicy: () => `arn:aws:network-firewall:${region}:${account}:firewall-policy/egress-policy`,
    AwsNetworkFirewallRuleGroup: () => `arn:aws:network-firewall:${region}:${account}:stateless-rulegroup/allow-list`,
    AwsSecretsManagerSecret: () => `arn:aws:secretsmanager:${region}:${account}:secret:orders-db-credentials-${hex(seed, 6)}`,
    AwsDynamoDbTable: () => `arn:aws:dynamodb:${region}:${account}:table/orders`,
    AwsDaxCluster: () => `arn:aws:dax:${region}:${account}:cache/sessions-dax`,
    AwsStepFunctionStateMachine: () => `arn:aws:states:${region}:${account}:stateMachine:order-workflow`,
    AwsStepFunctionActivity: () => `arn:aws:states:${region}:${account}:activity:approve-order`,
    AwsKinesisStream: () => `arn:aws:kinesis:${region}:${account}:stream/clickstream`,
    AwsAthenaWorkGroup: () => `arn:aws:athena:${region}:${account}:workgroup/analysts`,
    AwsGlueJob: () => `arn:aws:glue:${region}:${account}:job/nightly-etl`,
    AwsCloudFormationStack: () => `arn:aws:cloudformation:${region}:${account}:stack/orders-api/${uuid()}`,
    AwsFsxFileSystem: () => `arn:aws:fsx:${region}:${account}:file-system/fs-${hex(seed, 17)}`,
    AwsRoute53HostedZone: () => `arn:aws:route53:::hostedzone/Z${hex(seed, 20).toUpperCase()}`,
    AwsServiceCatalogPortfolio: () => `arn:aws:catalog:${region}:${account}:portfolio/port-${hex(seed, 13)}`,
    AwsTransferServer: () => `arn:aws:transfer:${region}:${account}:server/s-${hex(seed, 17)}`,
    AwsTransferConnector: () => `arn:aws:transfer:${region}:${account}:connector/c-${hex(seed, 17)}`,
    AwsWorkSpacesWorkspace: () => `arn:aws:workspaces:${region}:${account}:workspace/ws-${hex(seed, 9)}`,
    AwsS3ExpressDirectoryBucket: () => `arn:aws:s3express:${region}:${account}:bucket/orders-cache--use1-az4--x-s3`,
    AwsBedrockDataSource: () => `arn:aws:bedrock:${region}:${account}:knowledge-base/${hex(seed, 10).toUpperCase()}/data-source/${hex(`${seed}d`, 10).toUpperCase()}`,
    AwsConnectInstance: () => `arn:aws:connect:${region}:${account}:instance/${uuid()}`,
    AwsDataSyncTask: () => `arn:aws:datasync:${region}:${account}:task/task-${hex(seed, 17)}`,
    AwsAcmPcaCertificateAuthority: () => `arn:aws:acm-pca:${region}:${account}:certificate-authority/${uuid()}`,
    AwsCertificateManagerCertificate: () => `arn:aws:acm:${region}:${account}:certificate/${uuid()}`,
    AwsSsmAssociationCompliance: () => `arn:aws:ssm:${region}:${account}:managed-instance/i-${hex(seed, 17)}`,
    AwsEc2ClientVpnEndpoint: () => `arn:aws:ec2:${region}:${account}:client-vpn-endpoint/cvpn-endpoint-${hex(seed, 17)}`,
    AwsAutoScalingAutoScalingGroup: () => `arn:aws:autoscaling:${region}:${account}:autoScalingGroup:${uuid()}:autoScalingGroupName/web-asg`,
    AwsElasticBeanstalkEnvironment: () => `arn:aws:elasticbeanstalk:${region}:${account}:environment/orders-app/orders-prod`,
    AwsGlueMlTransform: () => `arn:aws:glue:${region}:${account}:mlTransform/tfm-${hex(seed, 32)}`,
  };
  const shaped = arns[type]?.();
  if (shaped !== undefined) return { Type: type, Id: shaped, Partition: 'aws', Region: region };
  const known = special[type]?.();
  if (known !== undefined) return known;
  const name = `${kind.toLowerCase()}-${hex(seed, 6)}`;
  return { Type: type, Id: `arn:aws:${service.toLowerCase()}:${region}:${account}:${kind.toLowerCase()}/${name}`, Partition: 'aws', Region: region };
}

/** A consolidated ASFF control finding (FAILED) for `controlId`, titled with `title` when given. */
export function controlFinding(controlId: string, opts: SampleOptions & { title?: string; severity?: string; resourceType?: string } = {}): Json {
  const b = base(opts);
  const seed = `${controlId}/${b.variant}`;
  const service = controlId.split('.')[0] ?? 'EC2';
  const resource = opts.resourceType !== undefined && !ACCOUNT_CONTROLS.has(controlId)
    ? controlResource(controlSampleType(controlId, opts.resourceType), b.account, b.region, seed)
    : ACCOUNT_CONTROLS.has(controlId) || CONTROL_RESOURCES[service] === undefined
      ? { Type: 'AwsAccount', Id: `AWS::::Account:${b.account}`, Partition: 'aws', Region: b.region }
      : (CONTROL_RESOURCES[service] as (a: string, r: string, s: string) => Json)(b.account, b.region, seed);
  const uuid = hex(seed, 32);
  const findingId = `arn:aws:securityhub:${b.region}:${b.account}:security-control/${controlId}/finding/${uuid.slice(0, 8)}-${uuid.slice(8, 12)}-${uuid.slice(12, 16)}-${uuid.slice(16, 20)}-${uuid.slice(20)}`;
  const label = opts.severity ?? 'MEDIUM';
  return {
    SchemaVersion: '2018-10-08',
    Id: findingId,
    ProductArn: `arn:aws:securityhub:${b.region}::product/aws/securityhub`,
    ProductName: 'Security Hub',
    CompanyName: 'AWS',
    Region: b.region,
    GeneratorId: `security-control/${controlId}`,
    AwsAccountId: b.account,
    Types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
    FirstObservedAt: b.earlier,
    LastObservedAt: b.now,
    CreatedAt: b.earlier,
    UpdatedAt: b.now,
    Severity: { Label: label, Original: label },
    Title: opts.title ?? `Security control ${controlId} failed`,
    Description: `Sample control finding generated by firebreak for ${controlId}.`,
    Remediation: { Recommendation: { Text: 'For information on how to correct this issue, consult the AWS Security Hub controls documentation.', Url: `https://docs.aws.amazon.com/console/securityhub/${controlId}/remediation` } },
    ProductFields: { 'aws/securityhub/ProductName': 'Security Hub', 'aws/securityhub/CompanyName': 'AWS', 'aws/securityhub/FindingId': `arn:aws:securityhub:${b.region}::product/aws/securityhub/${findingId}` },
    Resources: [resource],
    Compliance: { Status: 'FAILED', SecurityControlId: controlId, AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }] },
    WorkflowState: 'NEW',
    Workflow: { Status: 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** A `Security Hub Findings - Imported` event carrying `findings`. */
export function securityHubEvent(findings: Json[], opts: SampleOptions = {}): Json {
  const b = base(opts);
  return envelope('Security Hub Findings - Imported', 'aws.securityhub', b.account, b.region, b.now, { findings }, findings.map((f) => `arn:aws:securityhub:${b.region}::product/aws/securityhub/${String(f.Id)}`));
}




/** A `Findings Imported V2` event with one OCSF compliance finding for `controlId`. */
export function ocsfEvent(controlId = 'IAM.6', opts: SampleOptions = {}): Json {
  const b = base(opts);
  const uid = `arn:aws:securityhub:${b.region}:${b.account}:security-control/${controlId}/finding/${hex(`ocsf${controlId}`, 32)}`;
  return envelope('Findings Imported V2', 'aws.securityhub', b.account, b.region, b.now, {
    findings: [
      {
        activity_id: 1,
        category_uid: 2,
        class_name: 'Compliance Finding',
        class_uid: 2003,
        severity: 'Critical',
        severity_id: 5,
        status: 'New',
        status_id: 1,
        time_dt: b.now,
        cloud: { account: { uid: b.account, type: 'AWS_Account' }, provider: 'AWS', region: b.region },
        compliance: { control: controlId, status: 'Fail', standards: ['standards/aws-foundational-security-best-practices/v/1.0.0'] },
        finding_info: {
          uid,
          title: 'Hardware MFA should be enabled for the root user',
          desc: 'This control checks whether your AWS account is enabled to use a hardware multi-factor authentication (MFA) device to sign in with root user credentials.',
          types: ['Software and Configuration Checks/Industry and Regulatory Standards'],
          created_time_dt: b.earlier,
          first_seen_time_dt: b.earlier,
          last_seen_time_dt: b.now,
        },
        metadata: { product: { name: 'Security Hub', uid: 'aws/securityhub', vendor_name: 'AWS' }, version: '1.1.0' },
        remediation: { desc: 'Enable a hardware MFA device for the root user.', references: [`https://docs.aws.amazon.com/console/securityhub/${controlId}/remediation`] },
        resources: [{ type: 'AWS::::Account', uid: `AWS::::Account:${b.account}`, region: b.region }],
      },
    ],
  });
}

/** The bundled demo set: the origin cases and one sample of every other source. */
export function demoEvents(opts: SampleOptions = {}): Json[] {
  return [
    guardDutyEvent('CryptoCurrency:EC2/BitcoinTool.B!DNS', opts),
    guardDutyEvent('UnauthorizedAccess:EC2/SSHBruteForce', opts),
    guardDutyEvent('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS', opts),
    guardDutyEvent('Policy:S3/BucketBlockPublicAccessDisabled', opts),
    securityHubEvent(
      [
        controlFinding('EC2.18', { ...opts, severity: 'HIGH', title: 'Security groups should only allow unrestricted incoming traffic for authorized ports' }),
        controlFinding('S3.8', { ...opts, severity: 'HIGH', title: 'S3 general purpose buckets should block public access' }),
        controlFinding('EC2.7', { ...opts, severity: 'MEDIUM', title: 'EBS default encryption should be enabled' }),
        controlFinding('CloudTrail.2', { ...opts, severity: 'MEDIUM', title: 'CloudTrail should have encryption at-rest enabled' }),
      ],
      opts,
    ),
    inspectorEvent(opts),
    macieEvent(opts),
    configEvent(opts),
    ocsfEvent('IAM.6', opts),
  ];
}
