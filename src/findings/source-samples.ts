/**
 * Sample events for Inspector (package vulnerabilities on each kind of resource, network
 * reachability, code vulnerabilities), Macie (every sensitive-data and policy finding type) and
 * Config (the most used managed rules), shaped as the services document them.
 */
import { base, envelope, hex, type SampleOptions } from './sample-kit.js';
import { own } from '../util/own.js';

type Json = Record<string, unknown>;

/** What an Inspector sample is about. */
export type InspectorKind = 'ec2' | 'ecr' | 'lambda' | 'network' | 'code';

/** Every Inspector sample kind. */
export const INSPECTOR_KINDS: readonly InspectorKind[] = ['ec2', 'ecr', 'lambda', 'network', 'code'];

function inspectorResource(kind: InspectorKind, account: string, region: string): { resource: Json; id: string } {
  const instanceId = `i-${hex('inspector', 17)}`;
  if (kind === 'ecr') {
    const digest = `sha256:${hex('image', 64)}`;
    const id = `arn:aws:ecr:${region}:${account}:repository/orders-api/${digest}`;
    return { id, resource: { type: 'AWS_ECR_CONTAINER_IMAGE', id, partition: 'aws', region, details: { awsEcrContainerImage: { repositoryName: 'orders-api', imageHash: digest, imageTags: ['v1.42.0', 'latest'], registry: account, platform: 'DEBIAN_12', architecture: 'amd64', pushedAt: '2026-10-01T10:00:00Z', inUseCount: 3 } } } };
  }
  if (kind === 'lambda' || kind === 'code') {
    const id = `arn:aws:lambda:${region}:${account}:function:orders-webhook:$LATEST`;
    return { id, resource: { type: 'AWS_LAMBDA_FUNCTION', id, partition: 'aws', region, details: { awsLambdaFunction: { functionName: 'orders-webhook', runtime: 'NODEJS_20_X', version: '$LATEST', packageType: 'ZIP' } } } };
  }
  const details = { awsEc2Instance: { type: 't3.medium', imageId: 'ami-0abcdef1234567890', platform: 'UBUNTU_22_04', vpcId: `vpc-${hex('inspector-vpc', 17)}`, subnetId: `subnet-${hex('inspector-subnet', 17)}`, ipV4Addresses: ['10.0.1.25', '203.0.113.20'] } };
  return { id: instanceId, resource: { type: 'AWS_EC2_INSTANCE', id: instanceId, partition: 'aws', region, details } };
}

const PACKAGES: Record<'ec2' | 'ecr' | 'lambda', Json> = {
  ec2: { vulnerabilityId: 'CVE-2024-6387', title: 'CVE-2024-6387 - openssh-server', description: 'A signal handler race condition in OpenSSH server (sshd) can allow an unauthenticated remote attacker to run code as root on glibc-based Linux systems.', pkg: { name: 'openssh-server', version: '1:8.9p1-3ubuntu0.6', fixedInVersion: '1:8.9p1-3ubuntu0.10', packageManager: 'OS', arch: 'amd64' }, vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', exploit: 'YES', score: 8.1 },
  ecr: { vulnerabilityId: 'CVE-2023-44487', title: 'CVE-2023-44487 - golang.org/x/net', description: 'The HTTP/2 protocol allows a denial of service (server resource consumption) because request cancellation can reset many streams quickly.', pkg: { name: 'golang.org/x/net', version: 'v0.15.0', fixedInVersion: '0.17.0', packageManager: 'GOMOD', filePath: 'app/orders-api' }, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', exploit: 'YES', score: 7.5 },
  lambda: { vulnerabilityId: 'CVE-2024-29041', title: 'CVE-2024-29041 - express', description: 'Express.js open redirect in malformed URLs: versions before 4.19.2 can be tricked into redirecting to an attacker-chosen site.', pkg: { name: 'express', version: '4.18.2', fixedInVersion: '4.19.2', packageManager: 'NODEPKG', filePath: 'node_modules/express/package.json' }, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:L/I:L/A:N', exploit: 'NO', score: 6.1 },
};

/** An `Inspector2 Finding` event: a package vulnerability on an EC2 instance (default), ECR image or Lambda function, a reachable port, or a code flaw. */
export function inspectorEvent(opts: SampleOptions & { kind?: InspectorKind } = {}): Json {
  const b = base(opts);
  const kind = opts.kind ?? 'ec2';
  const { resource, id } = inspectorResource(kind, b.account, b.region);
  const common = {
    awsAccountId: b.account,
    findingArn: `arn:aws:inspector2:${b.region}:${b.account}:finding/${hex(`insp${kind}${b.variant}`, 32)}`,
    status: 'ACTIVE',
    firstObservedAt: b.earlier,
    lastObservedAt: b.now,
    updatedAt: b.now,
    resources: [resource],
  };
  let detail: Json;
  if (kind === 'network') {
    const sg = `sg-${hex('inspector-sg', 17)}`;
    detail = {
      ...common,
      type: 'NETWORK_REACHABILITY',
      title: 'Port 22 is reachable from an Internet Gateway - TCP',
      description: `On the instance ${id}, the port range 22-22 is reachable from the InternetGateway igw-${hex('igw', 17)} from an attached ENI.`,
      severity: 'MEDIUM',
      networkReachabilityDetails: {
        networkPath: { steps: [{ componentId: `igw-${hex('igw', 17)}`, componentType: 'AWS::EC2::InternetGateway' }, { componentId: `acl-${hex('acl', 17)}`, componentType: 'AWS::EC2::NetworkAcl' }, { componentId: sg, componentType: 'AWS::EC2::SecurityGroup' }, { componentId: id, componentType: 'AWS::EC2::Instance' }] },
        openPortRange: { begin: 22, end: 22 },
        protocol: 'TCP',
      },
      remediation: { recommendation: { text: 'You can restrict access to your instance by modifying the Security Groups or ACLs in the network path.' } },
    };
  } else if (kind === 'code') {
    detail = {
      ...common,
      type: 'CODE_VULNERABILITY',
      title: 'CWE-89 - SQL injection',
      description: 'User-controlled input is concatenated into a SQL query.',
      severity: 'HIGH',
      codeVulnerabilityDetails: { detectorId: 'javascript/sql-injection@v1.0', detectorName: 'SQL injection', cwes: ['CWE-89'], filePath: { fileName: 'index.js', filePath: 'src/handlers/index.js', startLine: 42, endLine: 44 } },
      remediation: { recommendation: { text: 'Use parameterized queries.' } },
    };
  } else {
    const p = PACKAGES[kind];
    detail = {
      ...common,
      type: 'PACKAGE_VULNERABILITY',
      title: p.title,
      description: p.description,
      severity: Number(p.score) >= 7 ? 'HIGH' : 'MEDIUM',
      inspectorScore: p.score,
      inspectorScoreDetails: { adjustedCvss: { score: p.score, scoreSource: 'NVD', scoringVector: p.vector, version: '3.1', adjustments: [] } },
      epss: { score: p.exploit === 'YES' ? 0.21 : 0.0043 },
      fixAvailable: 'YES',
      exploitAvailable: p.exploit,
      packageVulnerabilityDetails: { vulnerabilityId: p.vulnerabilityId, source: 'NVD', vulnerablePackages: [p.pkg], referenceUrls: [`https://nvd.nist.gov/vuln/detail/${String(p.vulnerabilityId)}`] },
      remediation: { recommendation: { text: `Upgrade ${String((p.pkg as Json).name)} to a fixed version.` } },
    };
  }
  return envelope('Inspector2 Finding', 'aws.inspector2', b.account, b.region, b.now, detail, [id]);
}

/** Every Macie finding type: policy findings about a bucket, sensitive-data findings about an object. */
export const MACIE_TYPES = [
  'Policy:IAMUser/S3BlockPublicAccessDisabled',
  'Policy:IAMUser/S3BucketEncryptionDisabled',
  'Policy:IAMUser/S3BucketPublic',
  'Policy:IAMUser/S3BucketReplicatedExternally',
  'Policy:IAMUser/S3BucketSharedExternally',
  'Policy:IAMUser/S3BucketSharedWithCloudFront',
  'SensitiveData:S3Object/Credentials',
  'SensitiveData:S3Object/CustomIdentifier',
  'SensitiveData:S3Object/Financial',
  'SensitiveData:S3Object/Multiple',
  'SensitiveData:S3Object/Personal',
] as const;

const DETECTIONS: Record<string, Json[]> = {
  Credentials: [{ category: 'CREDENTIALS', totalCount: 2, detections: [{ type: 'AWS_CREDENTIALS', count: 1 }, { type: 'OPENSSH_PRIVATE_KEY', count: 1 }] }],
  Financial: [{ category: 'FINANCIAL_INFORMATION', totalCount: 12, detections: [{ type: 'CREDIT_CARD_NUMBER', count: 12 }] }],
  Personal: [{ category: 'PERSONAL_INFORMATION', totalCount: 340, detections: [{ type: 'NAME', count: 170 }, { type: 'EMAIL_ADDRESS', count: 170 }] }],
  Multiple: [
    { category: 'PERSONAL_INFORMATION', totalCount: 40, detections: [{ type: 'USA_SOCIAL_SECURITY_NUMBER', count: 40 }] },
    { category: 'FINANCIAL_INFORMATION', totalCount: 40, detections: [{ type: 'BANK_ACCOUNT_NUMBER', count: 40 }] },
  ],
  CustomIdentifier: [],
};

/** A `Macie Finding` event of `type` (default: bucket-level Block Public Access disabled). */
export function macieEvent(opts: SampleOptions & { type?: string } = {}): Json {
  const b = base(opts);
  const type = opts.type ?? 'Policy:IAMUser/S3BlockPublicAccessDisabled';
  const bucket = `hr-exports-${hex(`macie${b.variant}`, 6)}`;
  const sensitive = type.startsWith('SensitiveData:');
  const kind = type.split('/')[1] ?? '';
  const s3Bucket: Json = {
    arn: `arn:aws:s3:::${bucket}`,
    name: bucket,
    tags: [{ key: 'Division', value: 'HR' }],
    defaultServerSideEncryption: type.endsWith('EncryptionDisabled') ? { encryptionType: 'NONE' } : { encryptionType: 'AES256' },
    publicAccess: { effectivePermission: type.endsWith('S3BucketPublic') ? 'PUBLIC' : 'NOT_PUBLIC' },
  };
  const detail: Json = {
    schemaVersion: '1.0',
    id: hex(`macie${type}${b.variant}`, 32),
    accountId: b.account,
    partition: 'aws',
    region: b.region,
    type,
    title: sensitive ? `The S3 object contains ${kind === 'Multiple' ? 'multiple types of sensitive' : kind.toLowerCase()} information.` : 'Block public access settings are disabled for the S3 bucket',
    description: sensitive ? 'The object contains sensitive data found by Amazon Macie.' : 'A bucket-level setting changed.',
    severity: { score: sensitive ? 3 : 2, description: sensitive ? 'High' : 'Medium' },
    createdAt: b.earlier,
    updatedAt: b.now,
    count: 1,
    category: sensitive ? 'CLASSIFICATION' : 'POLICY',
    resourcesAffected: { s3Bucket, s3Object: sensitive ? { bucketArn: `arn:aws:s3:::${bucket}`, key: 'exports/2026/payroll.csv', path: `${bucket}/exports/2026/payroll.csv`, extension: 'csv', size: 52110 } : null },
  };
  if (sensitive) {
    const result: Json = { status: { code: 'COMPLETE' }, sizeClassified: 52110, mimeType: 'text/csv', sensitiveData: DETECTIONS[kind] ?? [] };
    if (kind === 'CustomIdentifier') result.customDataIdentifiers = { totalCount: 8, detections: [{ arn: `arn:aws:macie2:${b.region}:${b.account}:custom-data-identifier/${hex('cdi', 36)}`, name: 'EmployeeId', count: 8 }] };
    detail.classificationDetails = { jobId: hex('job', 32), originType: 'SENSITIVE_DATA_DISCOVERY_JOB', result };
  } else {
    detail.policyDetails = { action: { actionType: 'AWS_API_CALL', apiCallDetails: { api: 'PutBucketPublicAccessBlock', apiServiceName: 's3.amazonaws.com', firstSeen: b.earlier, lastSeen: b.now } }, actor: { userIdentity: { type: 'IAMUser', iamUser: { userName: 'deploy-bot', accountId: b.account } } } };
  }
  return envelope('Macie Finding', 'aws.macie', b.account, b.region, b.now, detail);
}

/** The managed Config rules used most (Operational Best Practices packs, Security Hub's own rules), with the resource each evaluates. */
export const POPULAR_CONFIG_RULES: readonly [string, string][] = [
  ['restricted-ssh', 'AWS::EC2::SecurityGroup'],
  ['restricted-common-ports', 'AWS::EC2::SecurityGroup'],
  ['vpc-default-security-group-closed', 'AWS::EC2::SecurityGroup'],
  ['vpc-sg-open-only-to-authorized-ports', 'AWS::EC2::SecurityGroup'],
  ['vpc-flow-logs-enabled', 'AWS::EC2::VPC'],
  ['encrypted-volumes', 'AWS::EC2::Volume'],
  ['ec2-ebs-encryption-by-default', 'AWS::::Account'],
  ['ec2-imdsv2-check', 'AWS::EC2::Instance'],
  ['ec2-instance-no-public-ip', 'AWS::EC2::Instance'],
  ['ec2-instance-managed-by-systems-manager', 'AWS::EC2::Instance'],
  ['ec2-stopped-instance', 'AWS::EC2::Instance'],
  ['ebs-snapshot-public-restorable-check', 'AWS::::Account'],
  ['eip-attached', 'AWS::EC2::EIP'],
  ['s3-bucket-public-read-prohibited', 'AWS::S3::Bucket'],
  ['s3-bucket-public-write-prohibited', 'AWS::S3::Bucket'],
  ['s3-bucket-ssl-requests-only', 'AWS::S3::Bucket'],
  ['s3-bucket-logging-enabled', 'AWS::S3::Bucket'],
  ['s3-bucket-versioning-enabled', 'AWS::S3::Bucket'],
  ['s3-bucket-level-public-access-prohibited', 'AWS::S3::Bucket'],
  ['s3-account-level-public-access-blocks-periodic', 'AWS::::Account'],
  ['s3-bucket-server-side-encryption-enabled', 'AWS::S3::Bucket'],
  ['s3-default-encryption-kms', 'AWS::S3::Bucket'],
  ['s3-bucket-replication-enabled', 'AWS::S3::Bucket'],
  ['cloudtrail-enabled', 'AWS::::Account'],
  ['multi-region-cloudtrail-enabled', 'AWS::::Account'],
  ['cloud-trail-log-file-validation-enabled', 'AWS::CloudTrail::Trail'],
  ['cloud-trail-encryption-enabled', 'AWS::CloudTrail::Trail'],
  ['cloud-trail-cloud-watch-logs-enabled', 'AWS::CloudTrail::Trail'],
  ['root-account-mfa-enabled', 'AWS::::Account'],
  ['root-account-hardware-mfa-enabled', 'AWS::::Account'],
  ['iam-root-access-key-check', 'AWS::::Account'],
  ['iam-password-policy', 'AWS::::Account'],
  ['access-keys-rotated', 'AWS::IAM::User'],
  ['iam-user-unused-credentials-check', 'AWS::IAM::User'],
  ['mfa-enabled-for-iam-console-access', 'AWS::IAM::User'],
  ['iam-user-mfa-enabled', 'AWS::IAM::User'],
  ['iam-policy-no-statements-with-admin-access', 'AWS::IAM::Policy'],
  ['iam-user-no-policies-check', 'AWS::IAM::User'],
  ['iam-group-has-users-check', 'AWS::IAM::Group'],
  ['iam-no-inline-policy-check', 'AWS::IAM::User'],
  ['rds-instance-public-access-check', 'AWS::RDS::DBInstance'],
  ['rds-storage-encrypted', 'AWS::RDS::DBInstance'],
  ['rds-snapshots-public-prohibited', 'AWS::RDS::DBSnapshot'],
  ['rds-multi-az-support', 'AWS::RDS::DBInstance'],
  ['db-instance-backup-enabled', 'AWS::RDS::DBInstance'],
  ['lambda-function-public-access-prohibited', 'AWS::Lambda::Function'],
  ['lambda-dlq-check', 'AWS::Lambda::Function'],
  ['lambda-concurrency-check', 'AWS::Lambda::Function'],
  ['cmk-backing-key-rotation-enabled', 'AWS::KMS::Key'],
  ['guardduty-enabled-centralized', 'AWS::::Account'],
  ['required-tags', 'AWS::EC2::Instance'],
  ['approved-amis-by-id', 'AWS::EC2::Instance'],
  ['approved-amis-by-tag', 'AWS::EC2::Instance'],
  ['desired-instance-type', 'AWS::EC2::Instance'],
  ['ec2-volume-inuse-check', 'AWS::EC2::Volume'],
  ['instances-in-vpc', 'AWS::EC2::Instance'],
  ['ebs-optimized-instance', 'AWS::EC2::Instance'],
  ['ec2-instance-detailed-monitoring-enabled', 'AWS::EC2::Instance'],
  ['cloudwatch-log-group-encrypted', 'AWS::Logs::LogGroup'],
  ['dynamodb-pitr-enabled', 'AWS::DynamoDB::Table'],
  ['secretsmanager-rotation-enabled-check', 'AWS::SecretsManager::Secret'],
];

/** A Config resource id of the shape Config uses for `resourceType`. */
function configResourceId(resourceType: string, account: string, region: string, seed: string): string {
  const ids: Record<string, string> = {
    'AWS::EC2::SecurityGroup': `sg-${hex(seed, 17)}`,
    'AWS::EC2::VPC': `vpc-${hex(seed, 17)}`,
    'AWS::EC2::Volume': `vol-${hex(seed, 17)}`,
    'AWS::EC2::Instance': `i-${hex(seed, 17)}`,
    'AWS::EC2::EIP': `eipalloc-${hex(seed, 17)}`,
    'AWS::S3::Bucket': `app-assets-${hex(seed, 6)}`,
    'AWS::CloudTrail::Trail': 'management-events',
    'AWS::IAM::User': `AIDA${hex(seed, 17).toUpperCase()}`,
    'AWS::IAM::Group': `AGPA${hex(seed, 17).toUpperCase()}`,
    'AWS::IAM::Policy': `ANPA${hex(seed, 17).toUpperCase()}`,
    'AWS::RDS::DBInstance': `db-${hex(seed, 26).toUpperCase()}`,
    'AWS::RDS::DBSnapshot': `rds:orders-db-${hex(seed, 6)}`,
    'AWS::Lambda::Function': 'orders-handler',
    'AWS::KMS::Key': `${hex(seed, 8)}-${hex(seed, 4)}-4${hex(seed, 3)}-8${hex(seed, 3)}-${hex(seed, 12)}`,
    'AWS::Logs::LogGroup': '/aws/lambda/orders-handler',
    'AWS::DynamoDB::Table': 'orders',
    'AWS::SecretsManager::Secret': `arn:aws:secretsmanager:${region}:${account}:secret:prod/orders/db-${hex(seed, 6)}`,
  };
  return own(ids, resourceType) ?? account;
}

/** A `Config Rules Compliance Change` event (default: restricted-ssh finding a security group NON_COMPLIANT). */
export function configEvent(opts: SampleOptions & { rule?: string; resourceType?: string; compliance?: string } = {}): Json {
  const b = base(opts);
  const rule = opts.rule ?? 'restricted-ssh';
  const resourceType = opts.resourceType ?? 'AWS::EC2::SecurityGroup';
  const resourceId = opts.rule === undefined ? `sg-${hex(`config${b.variant}`, 17)}` : configResourceId(resourceType, b.account, b.region, `${rule}${b.variant}`);
  const compliance = opts.compliance ?? 'NON_COMPLIANT';
  const qualifier = { configRuleName: rule, resourceType, resourceId };
  return envelope('Config Rules Compliance Change', 'aws.config', b.account, b.region, b.now, {
    resourceId,
    awsRegion: b.region,
    awsAccountId: b.account,
    configRuleName: rule,
    recordVersion: '1.0',
    configRuleARN: `arn:aws:config:${b.region}:${b.account}:config-rule/config-rule-${hex(rule, 6)}`,
    messageType: 'ComplianceChangeNotification',
    newEvaluationResult: { evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: b.now }, complianceType: compliance, resultRecordedTime: b.now, configRuleInvokedTime: b.now },
    oldEvaluationResult: { evaluationResultIdentifier: { evaluationResultQualifier: qualifier, orderingTimestamp: b.earlier }, complianceType: compliance === 'COMPLIANT' ? 'NON_COMPLIANT' : 'COMPLIANT', resultRecordedTime: b.earlier, configRuleInvokedTime: b.earlier },
    notificationCreationTime: b.now,
    resourceType,
  }, [resourceId]);
}

/** Samples of every Inspector kind, every Macie type and the most used Config rules. */
export function sourceSamples(opts: SampleOptions = {}): Json[] {
  return [
    ...INSPECTOR_KINDS.map((kind) => inspectorEvent({ ...opts, kind })),
    ...MACIE_TYPES.map((type) => macieEvent({ ...opts, type })),
    ...POPULAR_CONFIG_RULES.map(([rule, resourceType]) => configEvent({ ...opts, rule, resourceType })),
  ];
}
