/**
 * Catalog-wide checks of what people paste: every covered control (and GuardDuty type) rendered
 * against realistic resource ids of its resource type. Every command is one plain shell command
 * that bash accepts (`bash -n`), names the service of its control (an SQS control never gets
 * `aws sns`), and shows no placeholder for an id the finding carries.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { normalizeOne } from '../helpers/findings.js';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { loadCatalog } from '../../src/analysis/playbooks/catalog.js';
import { knownControlFinding, knownControls, knownTypes } from '../../src/analysis/playbooks/coverage.js';
import { VARIABLES } from '../../src/analysis/playbooks/render.js';
import type { Finding } from '../../src/findings/model.js';
import { guardDutyEvent, securityHubEvent } from '../../src/findings/samples.js';
import { shellProblem, shellWords } from '../helpers/shell.js';

const catalog = loadCatalog();
const analyst = new PlaybookAnalyst(catalog);

const finding = normalizeOne;

/** Upper-case stand-ins playbooks once used for ids a finding can carry, with the variable that carries it. */
const STAND_INS: Record<string, string> = {
  INSTANCE_ID: 'instanceId', VPC_ID: 'vpcId', SUBNET_ID: 'subnetId', QUEUE_URL: 'queueUrl', SECURITY_GROUP_ID: 'securityGroupId',
  CLUSTER_NAME: 'clusterName', TRAIL_NAME: 'trailName', ACCESS_KEY_ID: 'accessKeyId', DETECTOR_ID: 'detectorId', API_ID: 'apiId',
  LISTENER_ARN: 'listenerArn', NETWORK_INTERFACE_ID: 'networkInterfaceId', VOLUME_ID: 'volumeId', BUCKET_NAME: 'bucketName',
  TOPIC_ARN: 'topicArn', SERVICE_NAME: 'serviceName', POLICY_ARN: 'policyArn', FUNCTION_NAME: 'functionName', KEY_ID: 'keyId',
};

/** CLI service names of each control family (the part of the control id before the dot). */
const SERVICES: Record<string, string[]> = {
  ACM: ['acm'], Autoscaling: ['autoscaling', 'ec2'], APIGateway: ['apigateway', 'apigatewayv2', 'wafv2'], AppSync: ['appsync', 'wafv2'], Athena: ['athena'], AutoScaling: ['autoscaling'],
  Backup: ['backup'], BedrockAgentCore: ['bedrock-agentcore-control', 'bedrock-agentcore'], CloudFormation: ['cloudformation'], CloudFront: ['cloudfront', 'wafv2', 's3api', 'acm'],
  CloudTrail: ['cloudtrail', 's3api'], CloudWatch: ['cloudwatch', 'logs', 'cloudtrail', 'sns'], CodeBuild: ['codebuild'], Config: ['configservice'],
  DataFirehose: ['firehose'], DMS: ['dms'], DocumentDB: ['docdb'], DynamoDB: ['dynamodb', 'application-autoscaling', 'dax'], EC2: ['ec2', 'ssm'],
  ECR: ['ecr'], ECS: ['ecs'], EFS: ['efs'], EKS: ['eks'], ElastiCache: ['elasticache'], ElasticBeanstalk: ['elasticbeanstalk'],
  ELB: ['elbv2', 'elb', 'wafv2', 's3api', 'acm'], EMR: ['emr'], ES: ['es', 'opensearch'], EventBridge: ['events'], GuardDuty: ['guardduty'], IAM: ['iam', 'accessanalyzer'],
  Inspector: ['inspector2'], Kinesis: ['kinesis'], KMS: ['kms'], Lambda: ['lambda'], Macie: ['macie2'], MQ: ['mq'], MSK: ['kafka', 'kafkaconnect'], Neptune: ['neptune', 'rds'],
  NetworkFirewall: ['network-firewall'], Opensearch: ['opensearch'], RDS: ['rds'], Redshift: ['redshift'], RedshiftServerless: ['redshift-serverless'], Route53: ['route53'],
  S3: ['s3api', 's3control', 's3'], SageMaker: ['sagemaker'], SecretsManager: ['secretsmanager'], ServiceCatalog: ['servicecatalog'], SES: ['ses', 'sesv2'],
  SNS: ['sns'], SQS: ['sqs'], SSM: ['ssm'], StepFunctions: ['stepfunctions'], Transfer: ['transfer'], WAF: ['waf', 'waf-regional', 'wafv2'], Account: ['account'],
  SecurityHub: ['securityhub'], AppConfig: ['appconfig'], Glue: ['glue'], Cognito: ['cognito-idp', 'cognito-identity'], Amplify: ['amplify'], AppRunner: ['apprunner'], AppFlow: ['appflow'], Batch: ['batch'],
  CodeArtifact: ['codeartifact'], CodeGuruProfiler: ['codeguruprofiler'], CodeGuruReviewer: ['codeguru-reviewer'], Connect: ['connect'], DataSync: ['datasync'],
  Detective: ['detective'], DataSyncTask: ['datasync'], FraudDetector: ['frauddetector'], FSx: ['fsx'], GlobalAccelerator: ['globalaccelerator'], IoT: ['iot'],
  IoTEvents: ['iotevents'], IoTSiteWise: ['iotsitewise'], IoTTwinMaker: ['iottwinmaker'], IoTWireless: ['iotwireless'], IVS: ['ivs'], Keyspaces: ['keyspaces'],
  Lightsail: ['lightsail'], MemoryDB: ['memorydb'], PCA: ['acm-pca'], Redshift1: ['redshift'], Route53Resolver: ['route53resolver'], Shield: ['shield'],
  SSMIncidents: ['ssm-incidents'], SSMContacts: ['ssm-contacts'], Timestream: ['timestream-write'], WorkSpaces: ['workspaces'], AccessAnalyzer: ['accessanalyzer'],
  Bedrock: ['bedrock', 'bedrock-agent'], Cassandra: ['keyspaces'], DAX: ['dax'], SSO: ['sso-admin'], TransferFamily: ['transfer'], Kafka: ['kafka'], Glue1: ['glue'],
};
/** Services any control may use to investigate or fix: identity, keys, logs, audit, Config, Security Hub, Organizations, tagging, backups. */
const SUPPORT = new Set(['iam', 'kms', 'sts', 'logs', 'cloudtrail', 'configservice', 'securityhub', 'organizations', 'cloudwatch', 'resourcegroupstaggingapi', 'ec2', 'accessanalyzer', 'backup']);

/** Problems with the commands of one rendered analysis. */
function commandProblems(f: Finding, commands: readonly string[], family: string | undefined): string[] {
  const out: string[] = [];
  for (const cmd of commands) {
    const shell = shellProblem(cmd);
    if (shell !== undefined) out.push(`${shell}: ${cmd}`);
    for (const [token, name] of Object.entries(STAND_INS)) {
      const spec = VARIABLES[name];
      const has = spec === undefined ? undefined : spec.get(f);
      if (has === undefined || has === '' || (Array.isArray(has) && has.length === 0)) continue;
      if (new RegExp(`(^|[^A-Z_])${token}([^A-Z_]|$)`).test(cmd)) out.push(`shows ${token} though the finding carries ${name}: ${cmd}`);
      if (spec !== undefined && cmd.includes(spec.placeholder)) out.push(`shows ${spec.placeholder} though the finding carries ${name}: ${cmd}`);
    }
    const words = shellWords(cmd);
    if (words[0] === 'aws' && family !== undefined) {
      const service = words.find((w, i) => i > 0 && !w.startsWith('-')) ?? '';
      const own = SERVICES[family];
      if (own === undefined) out.push(`no service list for control family ${family}`);
      else if (!own.includes(service) && !SUPPORT.has(service)) out.push(`runs aws ${service} for a ${family} control: ${cmd}`);
    }
  }
  return out;
}

/** Commands bash refuses, checked in one `bash -n` run per batch; each command is one line of a function. */
function bashRefuses(commands: readonly string[]): string[] {
  const bad: string[] = [];
  for (let start = 0; start < commands.length; start += 400) {
    const batch = commands.slice(start, start + 400);
    const script = batch.map((c, i) => `f${i}() {\n${c}\n}`).join('\n');
    const r = spawnSync('bash', ['-n'], { input: script, encoding: 'utf8', timeout: 20_000 });
    if (r.status === 0) continue;
    // Narrow down: check each command alone.
    for (const c of batch) if (spawnSync('bash', ['-n'], { input: `${c}\n`, encoding: 'utf8', timeout: 5000 }).status !== 0) bad.push(c);
  }
  return bad;
}

describe('every command of every covered control', () => {
  const controls = knownControls().filter((c) => catalog.resolve({ type: c.id }) !== undefined);
  const all: string[] = [];

  it.each(controls.map((c) => [c.id, c.resourceType]))('%s on %s: plain shell, right service, no placeholder for an id it carries', (id) => {
    const f = finding(securityHubEvent([knownControlFinding(id)]));
    const a = analyst.analyzeSync(f);
    const commands = a.steps.flatMap((s) => s.commands);
    all.push(...commands);
    expect(commandProblems(f, commands, id.split('.')[0]), `${id} on ${f.resources[0]?.type ?? '?'} ${f.resources[0]?.id ?? ''}`).toEqual([]);
  });

  it('bash accepts every one of them (bash -n)', () => {
    expect(all.length).toBeGreaterThan(500);
    expect(bashRefuses(all)).toEqual([]);
  });
});

describe('every command of every GuardDuty playbook', () => {
  it('is one plain shell command that bash accepts', () => {
    const commands: string[] = [];
    const problems: string[] = [];
    for (const t of knownTypes().filter((k) => k.status !== 'retired')) {
      const f = finding(guardDutyEvent(t.type, { now: new Date('2026-11-24T10:00:00Z') }));
      for (const s of analyst.analyzeSync(f).steps) {
        for (const c of s.commands) {
          commands.push(c);
          const p = commandProblems(f, [c], undefined);
          if (p.length > 0) problems.push(`${t.type}: ${p.join('; ')}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(bashRefuses(commands)).toEqual([]);
  });
});
