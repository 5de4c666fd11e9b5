/**
 * Catalog-wide checks over everything AWS documents: every GuardDuty finding type and covered
 * Security Hub control resolves to a specific playbook, renders for a generated sample with no
 * empty value or placeholder, and proposes only registered actions on structured targets.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeOne } from '../helpers/findings.js';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { loadCatalog, textFields } from '../../src/analysis/playbooks/catalog.js';
import { knownControlFinding, knownControls, knownTypes } from '../../src/analysis/playbooks/coverage.js';
import { HINT, VARIABLES, withoutHints } from '../../src/analysis/playbooks/render.js';
import type { Analysis } from '../../src/analysis/types.js';
import type { Finding } from '../../src/findings/model.js';
import { guardDutyEvent, securityHubEvent } from '../../src/findings/samples.js';
import { getAction } from '../../src/response/registry.js';
import { CATALOG_LISTS } from '../helpers/fixtures.js';

const catalog = loadCatalog();
const analyst = new PlaybookAnalyst(catalog);

/** Placeholders a template prints for a value the finding lacks (`<instance-id>`). */
const PLACEHOLDERS = Object.values(VARIABLES)
  .map((v) => v.placeholder)
  .filter((p) => p.startsWith('<'));

const finding = normalizeOne;

/** The ids (first column) of a public list in `test/fixtures/catalog/`, sorted. */
function sharedIds(file: string): string[] {
  return readFileSync(CATALOG_LISTS + file, 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .slice(1)
    .map((l) => l.split('\t')[0] ?? '')
    .sort();
}

/** Problems with one rendered analysis of `f`: empty text, leftovers, placeholders, bad actions. */
function problems(f: Finding, a: Analysis): string[] {
  const out: string[] = [];
  for (const [where, text] of textFields(a)) {
    if (text.trim() === '') out.push(`${where} is empty`);
    // A `}}` alone is JSON closing two objects; a `{{` left over is a template tag that did not render.
    if (/undefined|NaN|\[object Object\]|\{\{/.test(text)) out.push(`${where} has a leftover: ${text.slice(0, 120)}`);
    // A command may show an id the finding cannot carry when its step says how to find it.
    const step = /^steps\[(\d+)\]\.(detail|commands)/.exec(where);
    const detail = step === null ? '' : (a.steps[Number(step[1])]?.detail ?? '');
    const hole = PLACEHOLDERS.find((p) => (step?.[2] === 'detail' ? withoutHints(text) : text).includes(p) && !(step?.[2] === 'commands' && detail.includes(`${HINT} ${p}:`)));
    if (hole !== undefined) out.push(`${where} prints ${hole}: the sample lacks the value`);
  }
  for (const act of a.actions) {
    const def = getAction(act.action);
    const structured = f.resources.flatMap((r) => [r.ids[def.target]].flat()).concat(def.target === 'account' ? [f.account] : []);
    if (!structured.includes(act.target)) out.push(`action ${act.action} targets ${act.target}, not a structured field`);
  }
  if (a.references.length === 0) out.push('no references');
  return out;
}

/** The samples of a type: Runtime Monitoring types once per resource kind (instance, EKS, ECS, container). */
function samplesOf(type: string): Finding[] {
  const variants = type.includes(':Runtime/') ? [0, 1, 2, 3] : [0];
  return variants.map((variant) => finding(guardDutyEvent(type, { variant, now: new Date('2026-11-24T10:00:00Z') })));
}

describe('GuardDuty coverage', () => {
  const types = knownTypes();

  it('the bundled index matches the shared list of finding types', () => {
    expect(types.map((t) => t.type).sort()).toEqual(sharedIds('guardduty-finding-types.tsv'));
    expect(types.filter((t) => t.status !== 'retired').length).toBeGreaterThanOrEqual(200);
  });

  it('every active and custom-rule type resolves to a specific playbook', () => {
    const missing = types.filter((t) => t.status !== 'retired' && catalog.resolve({ type: t.type }) === undefined).map((t) => t.type);
    expect(missing).toEqual([]);
  });

  it('every retired type resolves to the playbook of its successor', () => {
    for (const t of types.filter((k) => k.status === 'retired')) {
      expect(t.successor, t.type).toBeDefined();
      expect(catalog.resolve({ type: t.type })?.id, t.type).toBe(catalog.resolve({ type: t.successor ?? '' })?.id);
    }
  });

  it.each(types.filter((t) => t.status !== 'retired').map((t) => [t.type]))('%s renders for its sample with every value filled in', (type) => {
    for (const f of samplesOf(type)) {
      const a = analyst.analyzeSync(f);
      expect(a.playbookId, `${type} on ${f.resources[0]?.type ?? '?'}`).toBe(catalog.resolve(f)?.id);
      expect(problems(f, a), `${type} on ${f.resources[0]?.type ?? '?'}`).toEqual([]);
    }
  });

  it('workloads with no safe automatic action get manual steps only', () => {
    const manual = ['Execution:Kubernetes/ExecInKubeSystemPod', 'Execution:ECS/MaliciousFile', 'Execution:Container/MaliciousFile', 'Backdoor:Lambda/C&CActivity.B', 'CredentialAccess:RDS/MaliciousIPCaller.SuccessfulLogin', 'Policy:IAMUser/RootCredentialUsage'];
    for (const type of manual) {
      const a = analyst.analyzeSync(finding(guardDutyEvent(type)));
      expect(a.actions, type).toEqual([]);
      expect(a.steps.some((s) => s.phase === 'contain' || s.phase === 'remediate'), type).toBe(true);
    }
    // Runtime findings: instance containment only when the subject is an EC2 instance.
    const [instance, eks, ecs, container] = samplesOf('Execution:Runtime/ReverseShell').map((f) => analyst.analyzeSync(f));
    expect(instance?.actions.map((x) => x.action)).toEqual(['ec2:snapshot-instance-volumes', 'ec2:isolate-instance']);
    for (const a of [eks, ecs, container]) expect(a?.actions).toEqual([]);
  });

  it('proposes the containment AWS recommends', () => {
    const actions = (type: string): string[] => analyst.analyzeSync(finding(guardDutyEvent(type))).actions.map((a) => `${a.action} ${a.target}`);
    expect(actions('CryptoCurrency:EC2/BitcoinTool.B')).toEqual([expect.stringMatching(/^ec2:snapshot-instance-volumes i-/), expect.stringMatching(/^ec2:isolate-instance i-/)]);
    expect(actions('UnauthorizedAccess:IAMUser/MaliciousIPCaller')).toEqual([expect.stringMatching(/^iam:deactivate-access-key AKIA/)]);
    expect(actions('UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.InsideAWS')).toEqual(['iam:revoke-role-sessions web-app']);
    expect(actions('Policy:S3/BucketAnonymousAccessGranted')).toEqual([expect.stringMatching(/^s3:block-public-access customer-exports-/)]);
    expect(actions('Recon:EC2/PortProbeUnprotectedPort')).toEqual([expect.stringMatching(/^ec2:revoke-public-ingress sg-/)]);
    expect(actions('Policy:S3/AccountBlockPublicAccessDisabled')).toEqual(['s3:block-account-public-access 123456789012']);
  });
});

describe('Security Hub coverage', () => {
  const controls = knownControls();
  const covered = controls.filter((c) => catalog.resolve({ type: c.id }) !== undefined);

  it('the bundled index matches the shared list of controls', () => {
    expect(controls.map((c) => c.id).sort()).toEqual(sharedIds('securityhub-controls.tsv'));
  });

  it('every control, of every severity, resolves to a specific playbook', () => {
    expect(controls.length).toBe(582);
    expect(controls.filter((c) => !covered.includes(c)).map((c) => c.id)).toEqual([]);
  });

  it.each(covered.map((c) => [c.id]))('%s renders for its sample with every value filled in', (id) => {
    const f = finding(securityHubEvent([knownControlFinding(id)]));
    expect(f.type).toBe(id);
    const a = analyst.analyzeSync(f);
    expect(a.playbookId, id).toBe(catalog.resolve(f)?.id);
    expect(problems(f, a), `${id} on ${f.resources[0]?.type ?? '?'}`).toEqual([]);
    expect(a.references.some((r) => r.includes('securityhub')), `${id} cites the control reference`).toBe(true);
  });

  it('proposes the fix AWS recommends for public and open resources', () => {
    const actions = (id: string): string[] => analyst.analyzeSync(finding(securityHubEvent([knownControlFinding(id)]))).actions.map((a) => `${a.action} ${a.target}`);
    expect(actions('S3.2')).toEqual([expect.stringMatching(/^s3:block-public-access app-assets-/)]);
    expect(actions('S3.1')).toEqual(['s3:block-account-public-access 123456789012']);
    expect(actions('EC2.19')).toEqual([expect.stringMatching(/^ec2:revoke-public-ingress sg-/)]);
    expect(actions('RDS.1')).toEqual([expect.stringMatching(/^rds:make-snapshot-private orders-db-manual-/)]);
    expect(actions('RDS.2')).toEqual(['rds:disable-public-access orders-db']);
    expect(actions('Lambda.1')).toEqual(['lambda:remove-public-access orders-handler']);
    expect(actions('KMS.4')).toEqual([expect.stringMatching(/^kms:enable-key-rotation [0-9a-f-]{36}$/)]);
    // Root credentials and workloads: manual steps only.
    for (const id of ['IAM.4', 'IAM.9', 'ECS.4', 'EKS.1']) expect(actions(id), id).toEqual([]);
  });
});
