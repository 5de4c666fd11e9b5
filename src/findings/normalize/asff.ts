/**
 * AWS Security Finding Format (ASFF): the elements of `detail.findings` in a
 * `Security Hub Findings - Imported` event, or of GetFindings' `Findings`. Covers control
 * findings (consolidated `Compliance.SecurityControlId` and standard-specific
 * `ProductFields.ControlId`) and product findings (GuardDuty, Inspector, Macie, partners).
 * Limits are those of the Security Hub API (`Id` 512 characters, `Title` 256, ...).
 */
import { type Infer, shape } from './validator.js';
import { controlRegion, fingerprint } from '../fingerprint.js';
import { SEVERITY_LABELS, type Finding, type Resource, type Source } from '../model.js';
import { asffResolution } from '../status.js';
import { controlIdOf } from './controls.js';
import { asffSeverity, idsFromArn, isObject, regionOfArn, requireDate, resource, str, validate } from './common.js';

const resourceSchema = shape.object({
  Type: str(256),
  Id: str(512),
  Partition: shape.string().max(16).optional(),
  Region: shape.string().max(16).optional(),
  Tags: shape.record(shape.string().max(128), shape.string().max(256)).optional(),
  Details: shape.record(shape.string(), shape.unknown()).optional(),
});

const schema = shape.object({
  SchemaVersion: str(64),
  Id: str(512),
  ProductArn: str(512),
  GeneratorId: str(512),
  AwsAccountId: shape.string().regex(/^\d{12}$/, 'expected a 12-digit AWS account id'),
  Types: shape.array(str(256)).max(50).optional(),
  CreatedAt: shape.string().max(64),
  UpdatedAt: shape.string().max(64),
  FirstObservedAt: shape.string().max(64).optional(),
  LastObservedAt: shape.string().max(64).optional(),
  Severity: shape.object({
    Label: shape.enum(SEVERITY_LABELS).optional(),
    Normalized: shape.union([shape.number().int().min(0).max(100), shape.string().regex(/^\d{1,3}$/)]).optional(),
  }),
  Title: str(256),
  Description: str(1024),
  Region: shape.string().max(16).optional(),
  ProductName: shape.string().max(128).optional(),
  CompanyName: shape.string().max(128).optional(),
  SourceUrl: shape.string().max(2048).optional(),
  Remediation: shape.object({ Recommendation: shape.object({ Text: shape.string().max(512).optional(), Url: shape.string().max(2048).optional() }).optional() }).optional(),
  ProductFields: shape.record(shape.string().max(128), shape.string().max(2048)).optional(),
  Resources: shape.array(resourceSchema).min(1).max(32),
  Compliance: shape
    // Parameters are read leniently (see controlParameters): a malformed one is dropped, not the finding.
    .object({ Status: shape.string().max(32).optional(), SecurityControlId: shape.string().max(64).optional(), SecurityControlParameters: shape.unknown().optional() })
    .optional(),
  Workflow: shape.object({ Status: shape.string().max(32).optional() }).optional(),
  WorkflowState: shape.string().max(32).optional(),
  RecordState: shape.string().max(32).optional(),
  FindingProviderFields: shape.object({ Severity: shape.object({ Label: shape.enum(SEVERITY_LABELS).optional() }).optional() }).optional(),
});

type Asff = Infer<typeof schema>;

/** `UnauthorizedAccess:EC2-SSHBruteForce` (as GuardDuty writes types into ASFF) back to `UnauthorizedAccess:EC2/SSHBruteForce`. */
export function guardDutyTypeFromAsff(types: readonly string[] | undefined): string | undefined {
  for (const t of types ?? []) {
    const last = t.split('/').pop() ?? '';
    const m = /^([A-Za-z]+):([A-Za-z0-9]+)-(.+)$/.exec(last);
    if (m !== null) return `${m[1]}:${m[2]}/${m[3]}`;
  }
  return undefined;
}

const PRODUCT_NAMES = new Map([
  ['guardduty', 'GuardDuty'],
  ['securityhub', 'Security Hub'],
  ['inspector', 'Inspector'],
  ['macie', 'Macie'],
  ['config', 'Config'],
]);

function productOf(f: Asff): { name: string; family: string } {
  const fromArn = /product\/([^/]+)\/([^/]+)/.exec(f.ProductArn);
  const family = (fromArn?.[2] ?? f.ProductName ?? 'unknown').toLowerCase();
  return { name: f.ProductName ?? f.ProductFields?.['aws/securityhub/ProductName'] ?? PRODUCT_NAMES.get(family) ?? family, family };
}


function details(f: Asff, productFamily: string): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const pf = f.ProductFields ?? {};
  if (productFamily === 'guardduty') {
    const base = 'aws/guardduty/service/action/';
    const pick = (key: string, suffix: string, numeric = false): void => {
      const hit = Object.keys(pf).find((k) => k.startsWith(base) && k.endsWith(suffix));
      const v = hit === undefined ? undefined : pf[hit];
      if (v === undefined || v === '') return;
      out[key] = numeric && /^\d+$/.test(v) ? Number(v) : v;
    };
    pick('actionType', 'action/actionType');
    pick('connectionDirection', 'connectionDirection');
    pick('protocol', '/protocol');
    pick('remotePort', 'remotePortDetails/port', true);
    pick('localPort', 'localPortDetails/port', true);
    pick('country', 'country/countryName');
    pick('city', 'city/cityName');
    pick('organization', 'organization/org');
    pick('api', 'awsApiCallAction/api');
    pick('domain', 'dnsRequestAction/domain');
  }
  const standards = f.ProductFields?.StandardsArn;
  if (standards !== undefined) out.standard = standards.replace(/^arn:[^:]*:securityhub:::/, '');
  Object.assign(out, controlParameters(f.Compliance?.SecurityControlParameters));
  return out;
}

const PARAMETER_NAME = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/**
 * The control's parameters (`Compliance.SecurityControlParameters`, `[{Name, Value: [...]}]`) as
 * `param.NAME` details, values joined by commas: `param.requiredTagKeys` = `CostCenter,Owner`.
 * At most 20 parameters of 50 values each; a value with a comma, or a malformed entry, is dropped.
 */
export function controlParameters(raw: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(raw)) return out;
  for (const p of raw.slice(0, 20)) {
    if (!isObject(p) || typeof p.Name !== 'string' || !PARAMETER_NAME.test(p.Name)) continue;
    const values = (Array.isArray(p.Value) ? p.Value : [p.Value])
      .slice(0, 50)
      .map((v) => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v))
      .filter((v): v is string => typeof v === 'string' && v !== '' && v.length <= 256 && !v.includes(','));
    if (values.length > 0) out[`param.${p.Name}`] = values.join(',');
  }
  return out;
}

const EC2_ID = /^(vpc|subnet|eni|sg)-[0-9a-f]{8,17}$/;
const ec2Id = (v: unknown, prefix: string): string | undefined => (typeof v === 'string' && EC2_ID.test(v) && v.startsWith(`${prefix}-`) ? v : undefined);

/** Identifiers the resource's ASFF `Details` carry: an instance's VPC, subnet and interfaces, a function's VPC config. */
function detailIds(d: Record<string, unknown>): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  const put = (key: string, v: string | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  const instance = isObject(d.AwsEc2Instance) ? d.AwsEc2Instance : undefined;
  if (instance !== undefined) {
    put('vpcId', ec2Id(instance.VpcId, 'vpc'));
    put('subnetId', ec2Id(instance.SubnetId, 'subnet'));
    const enis = Array.isArray(instance.NetworkInterfaces) ? instance.NetworkInterfaces.slice(0, 16) : [];
    const first = enis.map((n) => (isObject(n) ? ec2Id(n.NetworkInterfaceId, 'eni') : undefined)).find((v) => v !== undefined);
    put('networkInterfaceId', first);
  }
  const sg = isObject(d.AwsEc2SecurityGroup) ? d.AwsEc2SecurityGroup : undefined;
  if (sg !== undefined) put('vpcId', ec2Id(sg.VpcId, 'vpc'));
  const subnet = isObject(d.AwsEc2Subnet) ? d.AwsEc2Subnet : undefined;
  if (subnet !== undefined) put('vpcId', ec2Id(subnet.VpcId, 'vpc'));
  const eni = isObject(d.AwsEc2NetworkInterface) ? d.AwsEc2NetworkInterface : undefined;
  if (eni !== undefined) put('networkInterfaceId', ec2Id(eni.NetworkInterfaceId, 'eni'));
  const fn = isObject(d.AwsLambdaFunction) ? d.AwsLambdaFunction : undefined;
  const vpc = fn !== undefined && isObject(fn.VpcConfig) ? fn.VpcConfig : undefined;
  if (vpc !== undefined) {
    put('vpcId', ec2Id(vpc.VpcId, 'vpc'));
    const subnets = Array.isArray(vpc.SubnetIds) ? vpc.SubnetIds.map((s) => ec2Id(s, 'subnet')).filter((s): s is string => s !== undefined) : [];
    put('subnetId', subnets[0]);
  }
  const service = isObject(d.AwsEcsService) ? d.AwsEcsService : undefined;
  if (service !== undefined && typeof service.Cluster === 'string') {
    const cluster = /:cluster\/([A-Za-z0-9_-]{1,255})$/.exec(service.Cluster)?.[1];
    put('clusterName', cluster);
  }
  return out;
}

function asffResources(f: Asff): Resource[] {
  return f.Resources.map((r) => {
    const d = isObject(r.Details) ? r.Details : {};
    // The ARN's ids win over those the Details carry.
    const ids = { ...detailIds(d), ...idsFromArn(r.Type, r.Id) };
    const key = isObject(d.AwsIamAccessKey) ? d.AwsIamAccessKey : undefined;
    if (key !== undefined) {
      const name = key.PrincipalName ?? key.UserName;
      if (typeof name === 'string') ids.principalName = name;
      const t = key.PrincipalType;
      if (t === 'IAMUser' || t === 'Root' || t === 'AssumedRole' || t === 'FederatedUser' || t === 'Role') ids.principalType = t;
      if (typeof key.AccessKeyId === 'string' && ids.accessKeyId === undefined) ids.accessKeyId = key.AccessKeyId;
    }
    const sg = isObject(d.AwsEc2SecurityGroup) ? d.AwsEc2SecurityGroup : undefined;
    if (sg !== undefined && typeof sg.GroupId === 'string') ids.securityGroupIds = [sg.GroupId];
    const bucketTags = r.Tags ?? {};
    return resource(r.Type, r.Id, r.Region, bucketTags, ids);
  });
}

/** Normalizes one ASFF finding. `where` prefixes field paths in errors (e.g. `detail.findings[0]`). */
export function normalizeAsff(value: unknown, where: string, what: string): Finding {
  const f = validate(schema, value, where, what);
  const field = (name: string): string => (where === '' ? name : `${where}.${name}`);
  const product = productOf(f);
  const control = controlIdOf(f);
  const region = f.Region ?? f.Resources[0]?.Region ?? regionOfArn(f.ProductArn) ?? regionOfArn(f.Id) ?? 'unknown';
  const resources = asffResources(f);
  if (product.family === 'guardduty') {
    const pf = f.ProductFields ?? {};
    const ip = pf['aws/guardduty/service/action/networkConnectionAction/remoteIpDetails/ipAddressV4'] ??
      pf['aws/guardduty/service/action/awsApiCallAction/remoteIpDetails/ipAddressV4'] ??
      Object.entries(pf).find(([k]) => k.endsWith('remoteIpDetails/ipAddressV4'))?.[1];
    const first = resources[0];
    if (ip !== undefined && ip !== '' && first !== undefined) first.ids.remoteIp = ip;
  }
  const normalized = f.Severity.Normalized === undefined ? undefined : Number(f.Severity.Normalized);
  const severity = asffSeverity(f.Severity.Label ?? f.FindingProviderFields?.Severity?.Label, normalized);
  const type = control ?? (product.family === 'guardduty' ? guardDutyTypeFromAsff(f.Types) : undefined) ?? f.Types?.[0] ?? f.GeneratorId;
  const nativeId = product.family === 'guardduty' ? (/\/finding\/([^/]+)$/.exec(f.Id)?.[1] ?? f.Id) : f.Id;
  const createdAt = requireDate(f.CreatedAt, field('CreatedAt'), what);
  const updatedAt = requireDate(f.UpdatedAt, field('UpdatedAt'), what);
  const count = Number(f.ProductFields?.['aws/guardduty/service/count'] ?? '1');
  const out: Finding = {
    id: f.Id,
    fingerprint:
      control !== undefined
        ? fingerprint({ kind: 'control', control, account: f.AwsAccountId, region: controlRegion(region, resources), resourceIds: resources.map((r) => r.id) })
        : fingerprint({ kind: 'product', product: product.family, account: f.AwsAccountId, region, nativeId }),
    source: 'securityhub' satisfies Source,
    product: product.name,
    type,
    title: f.Title,
    description: f.Description,
    severity,
    account: f.AwsAccountId,
    region,
    resources,
    firstSeen: f.FirstObservedAt !== undefined ? requireDate(f.FirstObservedAt, field('FirstObservedAt'), what) : createdAt,
    lastSeen: f.LastObservedAt !== undefined ? requireDate(f.LastObservedAt, field('LastObservedAt'), what) : updatedAt,
    count: Number.isSafeInteger(count) && count > 0 ? count : 1,
    details: details(f, product.family),
    raw: value,
  };
  const rec = f.Remediation?.Recommendation;
  if (rec?.Text !== undefined || rec?.Url !== undefined) {
    out.remediation = {};
    if (rec.Text !== undefined) out.remediation.text = rec.Text;
    if (rec.Url !== undefined) out.remediation.url = rec.Url;
  }
  const workflow = f.Workflow?.Status ?? f.WorkflowState;
  if (workflow !== undefined) out.workflowStatus = workflow;
  if (f.Compliance?.Status !== undefined) out.compliance = f.Compliance.Status;
  const resolved = asffResolution({ complianceStatus: f.Compliance?.Status, workflowStatus: workflow, recordState: f.RecordState });
  if (resolved !== undefined) out.resolved = resolved;
  return out;
}
