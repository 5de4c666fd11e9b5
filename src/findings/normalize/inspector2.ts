/**
 * Amazon Inspector findings: the `detail` of an `Inspector2 Finding` event, or one element of
 * ListFindings' `findings`.
 */
import { shape } from './validator.js';
import { fingerprint } from '../fingerprint.js';
import type { Finding, Resource } from '../model.js';
import { inspectorResolution } from '../status.js';
import { LIMITS, idsFromArn, isObject, regionOfArn, requireDate, resource, severityFromWord, str, validate } from './common.js';

const INSPECTOR_TYPES = new Map<string, string>([
  ['AWS_EC2_INSTANCE', 'AwsEc2Instance'],
  ['AWS_ECR_CONTAINER_IMAGE', 'AwsEcrContainerImage'],
  ['AWS_ECR_REPOSITORY', 'AwsEcrRepository'],
  ['AWS_LAMBDA_FUNCTION', 'AwsLambdaFunction'],
  ['CODE_REPOSITORY', 'CodeRepository'],
]);

const schema = shape.object({
  awsAccountId: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  findingArn: str(LIMITS.id),
  type: shape.enum(['NETWORK_REACHABILITY', 'PACKAGE_VULNERABILITY', 'CODE_VULNERABILITY']),
  title: str(LIMITS.title),
  description: shape.string().max(LIMITS.description),
  severity: shape.enum(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL', 'UNTRIAGED']),
  inspectorScore: shape.number().min(0).max(10).optional(),
  status: shape.string().max(32).optional(),
  firstObservedAt: shape.union([shape.string().max(64), shape.number()]),
  lastObservedAt: shape.union([shape.string().max(64), shape.number()]),
  resources: shape
    .array(shape.object({ type: str(64), id: str(LIMITS.id), region: shape.string().max(32).optional(), tags: shape.record(shape.string(), shape.string()).optional(), details: shape.unknown().optional() }))
    .min(1)
    .max(LIMITS.resources),
  remediation: shape.object({ recommendation: shape.object({ text: shape.string().max(LIMITS.shortText).optional(), Url: shape.string().max(2048).optional() }).optional() }).optional(),
});

const obj = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});

/** Normalizes one Inspector finding. */
export function normalizeInspector2(value: unknown, where: string, what: string): Finding {
  const f = validate(schema, value, where, what);
  const raw = value as Record<string, unknown>;
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const region = f.resources[0]?.region ?? regionOfArn(f.findingArn) ?? 'unknown';
  // Security groups on the network path are structured ids Inspector reports; they are targets.
  const pathGroups: string[] = [];
  const steps = obj(obj(raw.networkReachabilityDetails).networkPath).steps;
  for (const step of Array.isArray(steps) ? steps.slice(0, 64) : []) {
    const st = obj(step);
    if (st.componentType === 'AWS::EC2::SecurityGroup' && typeof st.componentId === 'string') pathGroups.push(st.componentId);
  }
  const details: Record<string, string | number> = {};
  const text = (key: string, v: unknown, max = 256): void => {
    if (typeof v === 'string' && v !== '' && v.length <= max && !(key in details)) details[key] = v;
  };
  const resources: Resource[] = f.resources.map((r) => {
    const type = INSPECTOR_TYPES.get(r.type) ?? r.type;
    const ids = idsFromArn(type, r.id);
    const d = obj(r.details);
    if (type === 'AwsEc2Instance') {
      if (pathGroups.length > 0) ids.securityGroupIds = pathGroups;
      const ec2 = obj(d.awsEc2Instance);
      for (const [key, v, prefix] of [['vpcId', ec2.vpcId, 'vpc-'], ['subnetId', ec2.subnetId, 'subnet-']] as const) {
        if (typeof v === 'string' && v.startsWith(prefix) && v.length <= 32) ids[key] = v;
      }
      text('platform', ec2.platform, 64);
    }
    if (type === 'AwsEcrContainerImage') {
      const img = obj(d.awsEcrContainerImage);
      if (typeof img.repositoryName === 'string' && img.repositoryName.length <= 256) ids.repositoryName = img.repositoryName;
      if (typeof img.imageHash === 'string' && /^sha256:[0-9a-f]{64}$/.test(img.imageHash)) ids.imageDigest = img.imageHash;
      const tags = Array.isArray(img.imageTags) ? img.imageTags.filter((t): t is string => typeof t === 'string' && t.length <= 128).slice(0, 5) : [];
      if (tags.length > 0) details.imageTags = tags.join(', ');
      text('platform', img.platform, 64);
    }
    if (type === 'AwsLambdaFunction') {
      const fn = obj(d.awsLambdaFunction);
      if (typeof fn.functionName === 'string' && fn.functionName.length <= 140) ids.functionName = fn.functionName;
      text('runtime', fn.runtime, 32);
    }
    return resource(type, r.id, r.region, r.tags ?? {}, ids);
  });
  const vuln = obj(raw.packageVulnerabilityDetails);
  // CVE-2024-6387, GHSA-xxxx-xxxx-xxxx, ALAS2-2024-2580: ids only, never free text.
  if (typeof vuln.vulnerabilityId === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(vuln.vulnerabilityId)) details.vulnerabilityId = vuln.vulnerabilityId;
  const pkg = obj(Array.isArray(vuln.vulnerablePackages) ? vuln.vulnerablePackages[0] : undefined);
  text('packageName', pkg.name);
  text('packageVersion', pkg.version, 128);
  text('fixedVersion', pkg.fixedInVersion, 128);
  text('packageManager', pkg.packageManager, 32);
  text('filePath', pkg.filePath, 512);
  const vector = obj(obj(raw.inspectorScoreDetails).adjustedCvss).scoringVector;
  text('cvssVector', vector, 128);
  if (typeof vector === 'string' && /\/AV:N(\/|$)/.test(vector)) details.networkExploitable = 'yes';
  const epss = obj(raw.epss).score;
  if (typeof epss === 'number' && Number.isFinite(epss)) details.epss = epss;
  const code = obj(raw.codeVulnerabilityDetails);
  text('detectorName', code.detectorName);
  text('codeFile', obj(code.filePath).filePath, 512);
  const line = obj(code.filePath).startLine;
  if (typeof line === 'number' && Number.isSafeInteger(line)) details.codeLine = line;
  const cwes = Array.isArray(code.cwes) ? code.cwes.filter((c): c is string => typeof c === 'string' && c.length <= 32).slice(0, 5) : [];
  if (cwes.length > 0) details.cwes = cwes.join(', ');
  const ports = obj(obj(raw.networkReachabilityDetails).openPortRange);
  if (typeof ports.begin === 'number') details.portRangeBegin = ports.begin;
  if (typeof ports.end === 'number') details.portRangeEnd = ports.end;
  const proto = obj(raw.networkReachabilityDetails).protocol;
  if (typeof proto === 'string' && proto.length <= 16) details.protocol = proto;
  if (typeof raw.fixAvailable === 'string' && raw.fixAvailable.length <= 16) details.fixAvailable = raw.fixAvailable;
  if (typeof raw.exploitAvailable === 'string' && raw.exploitAvailable.length <= 16) details.exploitAvailable = raw.exploitAvailable;
  const reachable = obj(raw.networkReachabilityDetails);
  if (typeof ports.begin === 'number') details.openPorts = ports.end === undefined || ports.end === ports.begin ? String(ports.begin) : `${ports.begin}-${String(ports.end)}`;
  const path = Array.isArray(obj(reachable.networkPath).steps) ? (obj(reachable.networkPath).steps as unknown[]) : [];
  const gateway = path.map(obj).find((st) => typeof st.componentType === 'string' && /Gateway/.test(st.componentType));
  if (gateway !== undefined) text('gateway', gateway.componentId, 64);
  const score = f.inspectorScore === undefined ? undefined : Math.round(f.inspectorScore * 10);
  const out: Finding = {
    id: f.findingArn,
    fingerprint: fingerprint({ kind: 'product', product: 'inspector', account: f.awsAccountId, region, nativeId: f.findingArn }),
    source: 'inspector',
    product: 'Inspector',
    type: f.type,
    title: f.title,
    description: f.description,
    severity: severityFromWord(f.severity, f.severity === 'UNTRIAGED' ? 0 : score),
    account: f.awsAccountId,
    region,
    resources,
    firstSeen: requireDate(f.firstObservedAt, field('firstObservedAt'), what),
    lastSeen: requireDate(f.lastObservedAt, field('lastObservedAt'), what),
    count: 1,
    details,
    raw: value,
  };
  const rec = f.remediation?.recommendation;
  if (rec?.text !== undefined) out.remediation = rec.Url === undefined ? { text: rec.text } : { text: rec.text, url: rec.Url };
  if (f.status !== undefined) out.workflowStatus = f.status;
  const resolved = inspectorResolution(f.status);
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
