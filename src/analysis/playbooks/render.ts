/**
 * Renders playbook templates with a finding's own fields. Finding content is untrusted, so every
 * value is escaped for where it lands: plain text (control and bidi characters removed, length
 * capped, one line), shell commands (single-quoted unless plainly safe), HCL and YAML strings.
 * A value the finding does not carry renders as a readable placeholder such as `<instance-id>`.
 */
import type { Finding, Resource } from '../../findings/model.js';
import { arnName } from '../../findings/normalize/common.js';
import { metricFilterOf } from './metric-filters.js';
import { type Node, compile, names, run } from './template.js';

/** Where a rendered value lands. */
export type RenderContext = 'text' | 'shell' | 'hcl' | 'yaml';

type Getter = (f: Finding) => string | string[] | number | undefined;

/** A template variable: how to read it, what stands in when the finding lacks it, and how a person finds it then. */
export interface Variable {
  get: Getter;
  placeholder: string;
  /** For ids commands need: where to look when the finding does not carry it. */
  find?: string;
  /** A value that is several shell words (a command): each word is quoted on its own in commands. */
  words?: (f: Finding) => string[] | undefined;
  /** The longest value kept (256 characters unless said): only for values the catalog itself supplies. */
  max?: number;
}

function idOf(f: Finding, key: string): string | string[] | undefined {
  for (const r of f.resources) {
    const v = r.ids[key];
    if (v !== undefined) return v;
  }
  return undefined;
}

/** The tag keys a tagging control requires (its `requiredTagKeys` parameter), when the finding names them. */
function requiredTags(f: Finding): string[] | undefined {
  const raw = f.details['param.requiredTagKeys'];
  return typeof raw === 'string' && raw !== '' ? raw.split(',').slice(0, 16) : undefined;
}

/** The control's parameters in words (`maxDaysSinceRotation 90`), when the finding carries any. */
function parametersOf(f: Finding): string | undefined {
  const pairs = Object.entries(f.details).filter(([k]) => k.startsWith('param.'));
  return pairs.length === 0 ? undefined : pairs.map(([k, v]) => `${k.slice(6)} ${String(v).split(',').join(', ')}`).join('; ');
}

function primary(f: Finding): Resource | undefined {
  return f.resources[0];
}

/**
 * What a workload finding is about, in words: a pod of a Kubernetes workload, an ECS task, an
 * EC2 instance or a container, whichever the finding names most precisely.
 */
function subjectOf(f: Finding): string | undefined {
  const d = f.details;
  const cluster = idOf(f, 'clusterName');
  const instance = idOf(f, 'instanceId');
  const task = idOf(f, 'taskArn');
  const container = d.containerName === undefined ? '' : ` (container ${String(d.containerName)}${d.containerImage === undefined ? '' : `, image ${String(d.containerImage)}`})`;
  if (d.workloadName !== undefined && cluster !== undefined) {
    return `a pod of ${String(d.workloadType ?? 'workload')} ${String(d.workloadName)} in namespace ${String(d.namespace ?? 'default')} of EKS cluster ${String(cluster)}`;
  }
  if (task !== undefined) return `ECS task ${arnName(String(task)) ?? ''} in cluster ${String(cluster ?? 'unknown')}${container}`;
  if (instance !== undefined) return `EC2 instance ${String(instance)}${container}`;
  if (d.containerName !== undefined) return `container ${String(d.containerName)}${d.containerImage === undefined ? '' : ` (image ${String(d.containerImage)})`}`;
  if (cluster !== undefined) return `cluster ${String(cluster)}`;
  return undefined;
}

/** The OS package managers of Inspector's platform names, and how each upgrades one package. */
const OS_UPGRADE: [RegExp, (pkg: string) => string[]][] = [
  [/^(UBUNTU|DEBIAN)/, (pkg) => ['sudo', 'apt-get', 'install', '--only-upgrade', '-y', pkg]],
  [/^(AMAZON_LINUX_2023|RHEL_(8|9)|ROCKY|ALMA|CENTOS_STREAM|FEDORA|ORACLE_(8|9))/, (pkg) => ['sudo', 'dnf', 'upgrade', '-y', pkg]],
  [/^(AMAZON_LINUX|RHEL|CENTOS|ORACLE)/, (pkg) => ['sudo', 'yum', 'update', '-y', pkg]],
  [/^(SUSE|SLES|OPENSUSE)/, (pkg) => ['sudo', 'zypper', 'update', '-y', pkg]],
  [/^ALPINE/, (pkg) => ['apk', 'upgrade', pkg]],
];

/** Language package managers (Inspector's `packageManager`) and how each moves one dependency to a version. */
const LANGUAGE_UPGRADE = new Map<string, (pkg: string, fixed: string) => string[]>([
  ['NPM', (p, v) => ['npm', 'install', `${p}@${v}`]],
  ['NODEPKG', (p, v) => ['npm', 'install', `${p}@${v}`]],
  ['YARN', (p, v) => ['yarn', 'add', `${p}@${v}`]],
  ['PNPM', (p, v) => ['pnpm', 'add', `${p}@${v}`]],
  ['PIP', (p, v) => ['pip', 'install', '--upgrade', `${p}==${v}`]],
  ['PYTHONPKG', (p, v) => ['pip', 'install', '--upgrade', `${p}==${v}`]],
  ['PIPENV', (p, v) => ['pipenv', 'install', `${p}==${v}`]],
  ['POETRY', (p, v) => ['poetry', 'add', `${p}@${v}`]],
  ['GOMOD', (p, v) => ['go', 'get', `${p}@v${v.replace(/^v/, '')}`]],
  ['GOBINARY', (p, v) => ['go', 'get', `${p}@v${v.replace(/^v/, '')}`]],
  ['CARGO', (p, v) => ['cargo', 'update', '-p', p, '--precise', v]],
  ['GEMSPEC', (p) => ['bundle', 'update', p, '--conservative']],
  ['BUNDLER', (p) => ['bundle', 'update', p, '--conservative']],
  ['NUGET', (p, v) => ['dotnet', 'add', 'package', p, '--version', v]],
  ['DOTNET_CORE', (p, v) => ['dotnet', 'add', 'package', p, '--version', v]],
  ['COMPOSER', (p, v) => ['composer', 'require', `${p}:${v}`]],
]);

/** The command that upgrades the vulnerable package, as words, when the package manager and platform say which. */
function upgradeWords(f: Finding): string[] | undefined {
  const pkg = f.details.packageName;
  const manager = f.details.packageManager;
  if (typeof pkg !== 'string' || typeof manager !== 'string') return undefined;
  if (manager === 'OS') {
    const platform = String(f.details.platform ?? '');
    const hit = OS_UPGRADE.find(([re]) => re.test(platform));
    return hit?.[1](pkg);
  }
  const fixed = f.details.fixedVersion;
  if (typeof fixed !== 'string') return undefined;
  return LANGUAGE_UPGRADE.get(manager)?.(pkg, fixed.replace(/^\d+:/, ''));
}

/** Console deep link to the finding. */
export function consoleUrl(f: Finding): string {
  const r = encodeURIComponent(f.region);
  if (f.source === 'guardduty') {
    const id = /\/finding\/([0-9a-f]+)$/.exec(f.id)?.[1] ?? f.id;
    return `https://${r}.console.aws.amazon.com/guardduty/home?region=${r}#/findings?macros=current&fId=${encodeURIComponent(id)}`;
  }
  if (f.source === 'inspector') return `https://${r}.console.aws.amazon.com/inspector/v2/home?region=${r}#/findings/all`;
  if (f.source === 'macie') return `https://${r}.console.aws.amazon.com/macie/home?region=${r}#findings?search=id%3D${encodeURIComponent(f.id)}`;
  if (f.source === 'config') return `https://${r}.console.aws.amazon.com/config/home?region=${r}#/rules`;
  return `https://${r}.console.aws.amazon.com/securityhub/home?region=${r}#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A${encodeURIComponent(encodeURIComponent(f.id))}`;
}

/** Every variable a template may use, with its placeholder when the finding lacks it. */
export const VARIABLES: Record<string, Variable> = {
  account: { get: (f) => f.account, placeholder: '<account-id>' },
  region: { get: (f) => f.region, placeholder: '<region>' },
  type: { get: (f) => f.type, placeholder: '<finding-type>' },
  title: { get: (f) => f.title, placeholder: '<title>' },
  product: { get: (f) => f.product, placeholder: '<product>' },
  severity: { get: (f) => f.severity.label, placeholder: '<severity>' },
  score: { get: (f) => f.severity.score, placeholder: '<score>' },
  count: { get: (f) => f.count, placeholder: '1' },
  firstSeen: { get: (f) => f.firstSeen, placeholder: '<first-seen>' },
  /** One hour before the finding was first seen, in epoch milliseconds (CloudWatch Logs' --start-time). */
  startTimeMs: { get: (f) => (Number.isNaN(Date.parse(f.firstSeen)) ? undefined : Date.parse(f.firstSeen) - 3_600_000), placeholder: '<start-time-ms>' },
  lastSeen: { get: (f) => f.lastSeen, placeholder: '<last-seen>' },
  findingId: { get: (f) => f.id, placeholder: '<finding-id>' },
  resourceType: { get: (f) => primary(f)?.type, placeholder: '<resource-type>' },
  resourceId: { get: (f) => primary(f)?.id, placeholder: '<resource-id>' },
  instanceId: { get: (f) => idOf(f, 'instanceId'), placeholder: '<instance-id>', find: 'the instance id (i-...) is in the finding\'s resource, or list them with: aws ec2 describe-instances --query "Reservations[].Instances[].InstanceId"' },
  vpcId: { get: (f) => idOf(f, 'vpcId'), placeholder: '<vpc-id>', find: 'list the VPCs with: aws ec2 describe-vpcs --query "Vpcs[].[VpcId,IsDefault,CidrBlock]"' },
  subnetId: { get: (f) => idOf(f, 'subnetId'), placeholder: '<subnet-id>', find: 'list the subnets with: aws ec2 describe-subnets --query "Subnets[].[SubnetId,VpcId,MapPublicIpOnLaunch]"' },
  networkInterfaceId: { get: (f) => idOf(f, 'networkInterfaceId'), placeholder: '<network-interface-id>', find: 'list the interfaces with: aws ec2 describe-network-interfaces --query "NetworkInterfaces[].[NetworkInterfaceId,SourceDestCheck]"' },
  volumeId: { get: (f) => idOf(f, 'volumeId'), placeholder: '<volume-id>', find: 'list unencrypted volumes with: aws ec2 describe-volumes --filters Name=encrypted,Values=false --query "Volumes[].VolumeId"' },
  networkAclId: { get: (f) => idOf(f, 'networkAclId'), placeholder: '<network-acl-id>', find: 'list the network ACLs with: aws ec2 describe-network-acls --query "NetworkAcls[].[NetworkAclId,VpcId]"' },
  launchTemplateId: { get: (f) => idOf(f, 'launchTemplateId'), placeholder: '<launch-template-id>', find: 'list the launch templates with: aws ec2 describe-launch-templates --query "LaunchTemplates[].LaunchTemplateId"' },
  queueUrl: { get: (f) => idOf(f, 'queueUrl'), placeholder: '<queue-url>', find: 'get it with: aws sqs get-queue-url --queue-name NAME' },
  queueName: { get: (f) => idOf(f, 'queueName'), placeholder: '<queue-name>' },
  topicArn: { get: (f) => idOf(f, 'topicArn'), placeholder: '<topic-arn>', find: 'list the topics with: aws sns list-topics' },
  nodegroupName: { get: (f) => idOf(f, 'nodegroupName'), placeholder: '<nodegroup-name>', find: 'list them with: aws eks list-nodegroups --cluster-name CLUSTER' },
  serviceName: { get: (f) => idOf(f, 'serviceName'), placeholder: '<service-name>', find: 'list the services with: aws ecs list-services --cluster CLUSTER' },
  detectorId: { get: (f) => idOf(f, 'detectorId'), placeholder: '<detector-id>', find: 'get it with: aws guardduty list-detectors' },
  apiId: { get: (f) => idOf(f, 'apiId'), placeholder: '<api-id>', find: 'list the APIs with: aws appsync list-graphql-apis --query "graphqlApis[].[apiId,name]"' },
  listenerArn: { get: (f) => idOf(f, 'listenerArn'), placeholder: '<listener-arn>', find: 'list the listeners with: aws elbv2 describe-listeners --load-balancer-arn LOAD_BALANCER_ARN' },
  loadBalancerArn: { get: (f) => idOf(f, 'loadBalancerArn'), placeholder: '<load-balancer-arn>', find: 'list the load balancers with: aws elbv2 describe-load-balancers --query "LoadBalancers[].LoadBalancerArn"' },
  loadBalancerName: { get: (f) => idOf(f, 'loadBalancerName'), placeholder: '<load-balancer-name>', find: 'list them with: aws elb describe-load-balancers --query "LoadBalancerDescriptions[].LoadBalancerName"' },
  policyArn: { get: (f) => idOf(f, 'policyArn'), placeholder: '<policy-arn>', find: 'list your policies with: aws iam list-policies --scope Local --query "Policies[].Arn"' },
  dbClusterIdentifier: { get: (f) => idOf(f, 'dbClusterIdentifier'), placeholder: '<db-cluster-id>', find: 'list the clusters with: aws rds describe-db-clusters --query "DBClusters[].DBClusterIdentifier"' },
  securityGroupIds: { get: (f) => idOf(f, 'securityGroupIds'), placeholder: '<security-group-id>' },
  securityGroupId: { get: (f) => [idOf(f, 'securityGroupIds')].flat()[0], placeholder: '<security-group-id>', find: 'list the groups with: aws ec2 describe-security-groups --query "SecurityGroups[].[GroupId,GroupName,VpcId]"' },
  accessKeyId: { get: (f) => idOf(f, 'accessKeyId'), placeholder: '<access-key-id>', find: 'list the user\'s keys with: aws iam list-access-keys --user-name USER' },
  principalName: { get: (f) => idOf(f, 'principalName'), placeholder: '<principal-name>' },
  principalType: { get: (f) => idOf(f, 'principalType'), placeholder: '<principal-type>' },
  bucketName: { get: (f) => idOf(f, 'bucketName'), placeholder: '<bucket-name>' },
  remoteIp: { get: (f) => idOf(f, 'remoteIp'), placeholder: '<remote-ip>' },
  clusterName: { get: (f) => idOf(f, 'clusterName'), placeholder: '<cluster-name>', find: 'list the clusters with: aws ecs list-clusters (ECS) or aws eks list-clusters (EKS)' },
  functionName: { get: (f) => idOf(f, 'functionName'), placeholder: '<function-name>' },
  trailName: { get: (f) => idOf(f, 'trailName'), placeholder: '<trail-name>', find: 'list the trails with: aws cloudtrail describe-trails --query "trailList[].[Name,HomeRegion,IsMultiRegionTrail]"' },
  keyId: { get: (f) => idOf(f, 'keyId'), placeholder: '<key-id>' },
  dbInstanceIdentifier: { get: (f) => idOf(f, 'dbInstanceIdentifier'), placeholder: '<db-instance-id>' },
  dbSnapshotIdentifier: { get: (f) => idOf(f, 'dbSnapshotIdentifier'), placeholder: '<db-snapshot-id>' },
  subject: { get: (f) => subjectOf(f), placeholder: 'the affected workload' },
  resourceName: { get: (f) => arnName(primary(f)?.id), placeholder: '<resource-name>' },
  taskArn: { get: (f) => idOf(f, 'taskArn'), placeholder: '<task-arn>' },
  snapshotId: { get: (f) => idOf(f, 'snapshotId'), placeholder: '<snapshot-id>', find: 'list your snapshots with: aws ec2 describe-snapshots --owner-ids self --query "Snapshots[].[SnapshotId,VolumeId,Encrypted]"' },
  imageId: { get: (f) => idOf(f, 'imageId'), placeholder: '<image-id>' },
  recoveryPointArn: { get: (f) => idOf(f, 'recoveryPointArn'), placeholder: '<recovery-point-arn>' },
  backupVaultName: { get: (f) => idOf(f, 'backupVaultName'), placeholder: '<backup-vault-name>' },
  taskDefinitionArn: { get: (f) => f.details.taskDefinitionArn, placeholder: '<task-definition-arn>' },
  containerName: { get: (f) => f.details.containerName, placeholder: '<container-name>' },
  containerImage: { get: (f) => f.details.containerImage, placeholder: '<container-image>' },
  namespace: { get: (f) => f.details.namespace, placeholder: '<namespace>' },
  workloadName: { get: (f) => f.details.workloadName, placeholder: '<workload-name>' },
  workloadType: { get: (f) => f.details.workloadType, placeholder: '<workload-kind>' },
  kubernetesUser: { get: (f) => f.details.kubernetesUser, placeholder: '<kubernetes-user>' },
  requestUri: { get: (f) => f.details.requestUri, placeholder: '<request-uri>' },
  objectKey: { get: (f) => f.details.objectKey, placeholder: '<object-key>' },
  dbUser: { get: (f) => f.details.dbUser, placeholder: '<database-user>' },
  databaseName: { get: (f) => f.details.databaseName, placeholder: '<database-name>' },
  threatName: { get: (f) => f.details.threatName, placeholder: '<threat-name>' },
  processName: { get: (f) => f.details.processName, placeholder: '<process-name>' },
  processPath: { get: (f) => f.details.processPath, placeholder: '<process-path>' },
  userAgent: { get: (f) => f.details.userAgent, placeholder: '<user-agent>' },
  connectionDirection: { get: (f) => f.details.connectionDirection, placeholder: '<direction>' },
  remotePort: { get: (f) => f.details.remotePort, placeholder: '<remote-port>' },
  localPort: { get: (f) => f.details.localPort ?? f.details.portRangeBegin, placeholder: '<port>' },
  protocol: { get: (f) => f.details.protocol, placeholder: '<protocol>' },
  country: { get: (f) => f.details.country, placeholder: 'an unknown country' },
  organization: { get: (f) => f.details.organization, placeholder: 'an unknown network' },
  domain: { get: (f) => f.details.domain, placeholder: '<domain>' },
  api: { get: (f) => f.details.api, placeholder: '<api>' },
  vulnerabilityId: { get: (f) => f.details.vulnerabilityId, placeholder: '<vulnerability-id>' },
  packageName: { get: (f) => f.details.packageName, placeholder: '<package>' },
  packageVersion: { get: (f) => f.details.packageVersion, placeholder: '<installed-version>' },
  fixedVersion: { get: (f) => f.details.fixedVersion, placeholder: '<fixed-version>' },
  packageManager: { get: (f) => f.details.packageManager, placeholder: '<package-manager>' },
  filePath: { get: (f) => f.details.filePath, placeholder: '<file-path>' },
  platform: { get: (f) => f.details.platform, placeholder: '<platform>' },
  runtime: { get: (f) => f.details.runtime, placeholder: '<runtime>' },
  repositoryName: { get: (f) => idOf(f, 'repositoryName'), placeholder: '<repository-name>', find: 'list the repositories with: aws ecr describe-repositories --query "repositories[].repositoryName"' },
  imageDigest: { get: (f) => idOf(f, 'imageDigest'), placeholder: '<image-digest>' },
  imageTags: { get: (f) => f.details.imageTags, placeholder: '<image-tags>' },
  /** Present only when Inspector reports a public exploit. */
  exploitKnown: { get: (f) => (f.details.exploitAvailable === 'YES' ? 'yes' : undefined), placeholder: 'no' },
  /** Present only when a fixed version exists. */
  fixKnown: { get: (f) => (f.details.fixAvailable === 'YES' || f.details.fixAvailable === 'PARTIAL' || f.details.fixedVersion !== undefined ? 'yes' : undefined), placeholder: 'no' },
  /** Present only when the CVSS vector says the flaw is exploitable over the network (AV:N). */
  networkExploitable: { get: (f) => f.details.networkExploitable, placeholder: 'no' },
  epss: { get: (f) => (typeof f.details.epss === 'number' ? `${(f.details.epss * 100).toFixed(2)}%` : undefined), placeholder: '<epss>' },
  upgradeCommand: { get: (f) => upgradeWords(f)?.join(' '), words: upgradeWords, placeholder: '<upgrade-command>' },
  openPorts: { get: (f) => f.details.openPorts, placeholder: '<port-range>' },
  gateway: { get: (f) => f.details.gateway, placeholder: 'an internet gateway' },
  detectorName: { get: (f) => f.details.detectorName, placeholder: '<detector>' },
  codeFile: { get: (f) => f.details.codeFile, placeholder: '<file>' },
  codeLine: { get: (f) => f.details.codeLine, placeholder: '<line>' },
  cwes: { get: (f) => f.details.cwes, placeholder: '<cwe>' },
  sensitiveData: { get: (f) => f.details.sensitiveData, placeholder: 'sensitive data' },
  dataCategories: { get: (f) => f.details.dataCategories, placeholder: 'sensitive data' },
  detections: { get: (f) => f.details.detections, placeholder: 'some' },
  effectivePermission: { get: (f) => f.details.effectivePermission, placeholder: '<permission>' },
  managedRule: { get: (f) => f.details.managedRule, placeholder: '<config-rule>' },
  configRuleName: { get: (f) => (f.source === 'config' ? f.type : undefined), placeholder: '<config-rule-name>' },
  annotation: { get: (f) => f.details.annotation, placeholder: '<annotation>' },
  consoleUrl: { get: (f) => consoleUrl(f), placeholder: '<console-url>' },
  remediationUrl: { get: (f) => f.remediation?.url, placeholder: '<remediation-url>' },
  restApiId: { get: (f) => idOf(f, 'restApiId'), placeholder: '<rest-api-id>', find: 'list the REST APIs with: aws apigateway get-rest-apis --query "items[].[id,name]"' },
  httpApiId: { get: (f) => idOf(f, 'httpApiId'), placeholder: '<api-id>', find: 'list the HTTP and WebSocket APIs with: aws apigatewayv2 get-apis --query "Items[].[ApiId,Name]"' },
  stageName: { get: (f) => idOf(f, 'stageName'), placeholder: '<stage-name>', find: 'list the stages with: aws apigateway get-stages --rest-api-id API_ID (aws apigatewayv2 get-stages --api-id API_ID for HTTP and WebSocket APIs)' },
  routeId: { get: (f) => idOf(f, 'routeId'), placeholder: '<route-id>', find: 'list the routes with: aws apigatewayv2 get-routes --api-id API_ID --query "Items[].[RouteId,RouteKey,AuthorizationType]"' },
  integrationId: { get: (f) => idOf(f, 'integrationId'), placeholder: '<integration-id>', find: 'list the integrations with: aws apigatewayv2 get-integrations --api-id API_ID' },
  logGroupName: { get: (f) => idOf(f, 'logGroupName'), placeholder: '<log-group-name>', find: 'list the log groups with: aws logs describe-log-groups --query "logGroups[].[logGroupName,retentionInDays]"' },
  identityPoolId: { get: (f) => idOf(f, 'identityPoolId'), placeholder: '<identity-pool-id>', find: 'list the identity pools with: aws cognito-identity list-identity-pools --max-results 60' },
  fileSystemId: { get: (f) => idOf(f, 'fileSystemId'), placeholder: '<file-system-id>', find: 'list the file systems with: aws efs describe-file-systems --query "FileSystems[].[FileSystemId,Name,Encrypted]"' },
  clientVpnEndpointId: { get: (f) => idOf(f, 'clientVpnEndpointId'), placeholder: '<client-vpn-endpoint-id>', find: 'list the endpoints with: aws ec2 describe-client-vpn-endpoints --query "ClientVpnEndpoints[].[ClientVpnEndpointId,ConnectionLogOptions.Enabled]"' },
  knowledgeBaseId: { get: (f) => idOf(f, 'knowledgeBaseId'), placeholder: '<knowledge-base-id>', find: 'list the knowledge bases with: aws bedrock-agent list-knowledge-bases' },
  dataSourceId: { get: (f) => idOf(f, 'dataSourceId'), placeholder: '<data-source-id>', find: 'list its data sources with: aws bedrock-agent list-data-sources --knowledge-base-id KNOWLEDGE_BASE_ID' },
  wafName: { get: (f) => idOf(f, 'wafName'), placeholder: '<web-acl-name>', find: 'list the web ACLs and rule groups with: aws wafv2 list-web-acls --scope REGIONAL (CLOUDFRONT in us-east-1), aws wafv2 list-rule-groups --scope REGIONAL' },
  wafId: { get: (f) => idOf(f, 'wafId'), placeholder: '<web-acl-id>', find: 'it is the Id beside the name in: aws wafv2 list-web-acls --scope REGIONAL' },
  wafScope: { get: (f) => idOf(f, 'wafScope'), placeholder: 'REGIONAL' },
  /** The CIS CloudWatch controls' metric filter: its name, what it watches, its pattern. */
  metricFilterName: { get: (f) => metricFilterOf(f.type)?.name, placeholder: '<metric-filter-name>' },
  metricFilterWatches: { get: (f) => metricFilterOf(f.type)?.watches, placeholder: 'the events the control watches' },
  metricFilterPattern: { get: (f) => metricFilterOf(f.type)?.pattern, placeholder: '<filter-pattern>', max: 1024 },
  /** Tagging controls: the tag keys the control requires (`CostCenter, Owner`), as shell `--tags` pairs, and comma-separated. */
  requiredTagKeys: { get: requiredTags, placeholder: '<tag-keys>' },
  tagPairs: { get: (f) => requiredTags(f)?.map((k) => `${k}=VALUE`).join(','), placeholder: 'Owner=VALUE' },
  tagKeyList: { get: (f) => requiredTags(f)?.join(','), placeholder: 'Owner' },
  controlParameters: { get: parametersOf, placeholder: 'its default parameters' },
};

/**
 * For each id a rendered command still shows as a placeholder (the finding does not carry it),
 * how to find it: one sentence per missing id, in the order they appear.
 */
export function findHints(commands: readonly string[]): string[] {
  const out: string[] = [];
  if (!commands.some((c) => c.includes('<'))) return out;
  findable ??= Object.values(VARIABLES).filter((v): v is Variable & { find: string } => v.find !== undefined);
  for (const spec of findable) {
    if (commands.some((c) => c.includes(spec.placeholder))) out.push(`${HINT} ${spec.placeholder}: ${spec.find}.`);
  }
  return out;
}

let findable: (Variable & { find: string })[] | undefined;

/** How a step's "how to find it" sentences begin; they always come last in the step's detail. */
export const HINT = 'Where the finding does not name';

/** A step's detail without its "how to find it" sentences. */
export function withoutHints(detail: string): string {
  const at = detail.indexOf(HINT);
  return at < 0 ? detail : detail.slice(0, at).trimEnd();
}

/** Names of the variables (and sections) a template uses. */
export function templateVariables(template: string): string[] {
  const c = compile(template);
  return c.nodes === undefined ? [] : names(c.nodes);
}

/** Why a template does not compile (an unclosed or unmatched section), or undefined. */
export function templateError(template: string): string | undefined {
  return compile(template).error;
}

function isEmpty(raw: ReturnType<Getter>): raw is undefined | '' | [] {
  return raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0);
}

/** A finding's variable values, each read once per rendering of a playbook. */
export class FindingValues {
  private readonly memo = new Map<string, ReturnType<Getter>>();
  constructor(readonly finding: Finding) {}

  raw(name: string): ReturnType<Getter> {
    if (this.memo.has(name)) return this.memo.get(name);
    const v = VARIABLES[name]?.get(this.finding);
    this.memo.set(name, v);
    return v;
  }

  present(name: string): boolean {
    return !isEmpty(this.raw(name));
  }
}

// C0/C1 controls, DEL, zero-width and bidirectional override characters.
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MAX_VALUE = 256;
const PLAIN = /^(?:[!-~]+ )*[!-~]+$/;

// The same, less the newline and tab that multi-line text (commands, IaC) keeps, plus the word joiners.
// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const UNSAFE_IN_BLOCK = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Multi-line text (commands, IaC) with control, zero-width and bidi characters removed; lines and indentation kept. */
export function cleanBlock(value: string): string {
  return value.replace(UNSAFE_IN_BLOCK, '');
}

/** One line of safe plain text: no control, zero-width or bidi characters, at most 256 characters. */
export function cleanText(value: string, max = MAX_VALUE): string {
  // Fast path: printable ASCII with single spaces and no padding is already clean.
  if (value.length <= max && PLAIN.test(value)) return value;
  const one = value.replace(UNSAFE_CHARS, ' ').replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes a value as one shell word. */
export function shellQuote(value: string): string {
  return SHELL_SAFE.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Escapes one value for where it lands (commands are rendered by `renderShell`, which knows the quoting around each value). */
export function escapeFor(context: Exclude<RenderContext, 'shell'>, value: string, max = MAX_VALUE): string {
  const clean = cleanText(value, max);
  switch (context) {
    case 'text':
      return clean;
    case 'hcl':
      return clean.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$\{/g, () => '$${').replace(/%\{/g, '%%{');
    case 'yaml':
      return JSON.stringify(clean).slice(1, -1);
  }
}

/** A value as the shell must see it where it lands: unquoted (one word each), inside '...' or inside "...". */
function shellValue(words: readonly string[], quote: "'" | '"' | undefined): string {
  if (quote === "'") return words.join(' ').replace(/'/g, `'\\''`);
  if (quote === '"') return words.join(' ').replace(/[\\"$`]/g, (ch) => `\\${ch}`);
  return words.map(shellQuote).join(' ');
}

type Quote = "'" | '"' | undefined;

/** A planned template node: literal text, a variable with the quoting it lands in (commands only), or a section. */
type Piece = string | { variable: string; quote: Quote } | { section: string; inverted: boolean; body: Piece[] };

/**
 * How the shell reads `text` at `i` when `quote` is in force: the quoting after it, and how many
 * characters it takes (2 for a backslash and the character it escapes).
 */
function quoteStep(text: string, i: number, quote: Quote): { quote: Quote; width: 1 | 2 } {
  const ch = text.charAt(i);
  // A backslash escapes the next character everywhere but inside single quotes.
  if (ch === '\\' && quote !== "'") return { quote, width: 2 };
  if (quote === undefined && (ch === "'" || ch === '"')) return { quote: ch, width: 1 };
  return { quote: ch === quote ? undefined : quote, width: 1 };
}

/** The quoting in force after `text` when `quote` was in force before it; null when a backslash at its end escapes what follows. */
function quoteAfter(text: string, quote: Quote): Quote | null {
  for (let i = 0; i < text.length; ) {
    const step = quoteStep(text, i, quote);
    if (i + step.width > text.length) return null;
    quote = step.quote;
    i += step.width;
  }
  return quote;
}

/**
 * Plans a command's compiled nodes once: each variable gets the quoting around it, worked out
 * from the template's own text. Undefined when a section changes the quoting (then it is worked
 * out per rendering): the quoting of what follows would depend on whether the section is shown.
 */
function planShell(nodes: readonly Node[], quote: Quote): { pieces: Piece[]; quote: Quote } | undefined {
  const out: Piece[] = [];
  for (const n of nodes) {
    if (typeof n === 'string') {
      const after = quoteAfter(n, quote);
      if (after === null) return undefined;
      quote = after;
      out.push(n);
    } else if ('variable' in n) {
      out.push({ variable: n.variable, quote });
    } else {
      const body = planShell(n.body, quote);
      if (body === undefined || body.quote !== quote) return undefined;
      out.push({ section: n.section, inverted: n.inverted, body: body.pieces });
    }
  }
  return { pieces: out, quote };
}

/** The shell words of one variable's value (its placeholder when the finding lacks it). */
function shellWords(name: string, values: FindingValues): string[] {
  const spec = VARIABLES[name];
  if (spec === undefined) return [`<${name}>`];
  const raw = values.raw(name);
  if (isEmpty(raw)) return [spec.placeholder];
  return spec.words?.(values.finding)?.map((w) => cleanText(w)) ?? (Array.isArray(raw) ? raw.slice(0, 16).map((v) => cleanText(v)) : [cleanText(String(raw), spec.max)]);
}

/** One variable's value escaped for a context other than a command. */
function valueFor(name: string, values: FindingValues, context: Exclude<RenderContext, 'shell'>): string {
  const spec = VARIABLES[name];
  if (spec === undefined) return `<${name}>`;
  const raw = values.raw(name);
  if (isEmpty(raw)) return spec.placeholder;
  if (Array.isArray(raw)) {
    return raw
      .slice(0, 16)
      .map((v) => escapeFor(context, v))
      .join(', ');
  }
  return escapeFor(context, String(raw), spec.max);
}

function runShell(pieces: readonly Piece[], values: FindingValues): string {
  let out = '';
  for (const p of pieces) {
    if (typeof p === 'string') out += p;
    else if ('variable' in p) out += shellValue(shellWords(p.variable, values), p.quote);
    else if (values.present(p.section) !== p.inverted) out += runShell(p.body, values);
  }
  return out;
}

/** Renders a command whose quoting cannot be planned: values are marked, then placed by a scan of the result. */
function renderShellScanning(nodes: readonly Node[], values: FindingValues): string {
  const words: string[][] = [];
  const marked = run(
    nodes,
    (name) => {
      words.push(shellWords(name, values));
      return `\u0000${words.length - 1}\u0000`;
    },
    (name) => values.present(name),
  );
  let out = '';
  let quote: Quote;
  for (let i = 0; i < marked.length; i += 1) {
    const ch = marked.charAt(i);
    if (ch === '\u0000') {
      const end = marked.indexOf('\u0000', i + 1);
      out += shellValue(words[Number(marked.slice(i + 1, end))] ?? [], quote);
      i = end;
      continue;
    }
    // A backslash right before a value would escape the value's own quoting: it is dropped (the
    // catalog refuses such commands; this keeps any other template safe).
    if (ch === '\\' && quote !== "'" && marked.charAt(i + 1) === '\u0000') continue;
    const step = quoteStep(marked, i, quote);
    out += marked.slice(i, i + step.width);
    quote = step.quote;
    i += step.width - 1;
  }
  return out;
}

/** A template ready for one context: constant text, planned command pieces, or compiled nodes. */
type Plan = { constant: string; pieces?: undefined; nodes?: undefined } | { pieces: Piece[]; constant?: undefined; nodes?: undefined } | { nodes: Node[]; constant?: undefined; pieces?: undefined };

// One map per context, keyed by the template itself: a catalog template is one string object whose hash V8 keeps.
const plans: Record<RenderContext, Map<string, Plan>> = { text: new Map(), shell: new Map(), hcl: new Map(), yaml: new Map() };

function planFor(template: string, context: RenderContext): Plan {
  const cache = plans[context];
  const hit = cache.get(template);
  if (hit !== undefined) return hit;
  const c = compile(template);
  if (c.nodes === undefined) throw new Error(`template does not compile: ${c.error}`);
  let result: Plan;
  if (c.nodes.every((n) => typeof n === 'string')) result = { constant: c.nodes.join('') };
  else if (context === 'shell') {
    const planned = planShell(c.nodes, undefined);
    result = planned === undefined ? { nodes: c.nodes } : { pieces: planned.pieces };
  } else result = { nodes: c.nodes };
  if (cache.size < 10_000) cache.set(template, result);
  return result;
}

/**
 * Renders `template` with a finding's values in `context`; every substituted value is escaped for
 * it. In a command each value is escaped for the quoting it lands in (a bucket name inside a
 * single-quoted JSON filter cannot close the quote), so a finding's text can never become shell
 * syntax.
 */
export function renderValues(template: string, values: FindingValues, context: RenderContext): string {
  const p = planFor(template, context);
  if (p.constant !== undefined) return p.constant;
  if (p.pieces !== undefined) return runShell(p.pieces, values);
  if (context === 'shell') return renderShellScanning(p.nodes, values);
  return run(
    p.nodes,
    (name) => valueFor(name, values, context),
    (name) => values.present(name),
  );
}

/** Renders `template` for `finding` in `context`; every substituted value is escaped for it. */
export function render(template: string, finding: Finding, context: RenderContext): string {
  return renderValues(template, new FindingValues(finding), context);
}
