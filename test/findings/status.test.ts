import { describe, expect, it } from 'vitest';
import { normalizeOne } from '../helpers/findings.js';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { configEvent, controlFinding, guardDutyEvent, inspectorEvent, macieEvent, ocsfEvent, securityHubEvent } from '../../src/findings/samples.js';
import { analyzeOne } from '../../src/pipeline.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/fixtures.js';

type Json = Record<string, unknown>;

const one = normalizeOne;

/** The EC2.18 control finding as Security Hub sends it once the rule was fixed. */
function passedControl(patch: Json): Json {
  return securityHubEvent([{ ...controlFinding('EC2.18', { severity: 'HIGH' }), ...patch }]);
}

const detail = (e: Json): Json => e.detail as Json;

// Each source's way of saying "resolved", from the shapes AWS documents.
const RESOLVED: [string, () => unknown, RegExp][] = [
  ['ASFF Compliance.Status PASSED', () => passedControl({ Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.18' } }), /PASSED/],
  ['ASFF Compliance.Status NOT_AVAILABLE', () => passedControl({ Compliance: { Status: 'NOT_AVAILABLE', SecurityControlId: 'EC2.18' } }), /NOT_AVAILABLE/],
  ['ASFF Workflow.Status RESOLVED', () => passedControl({ Workflow: { Status: 'RESOLVED' } }), /RESOLVED/],
  ['ASFF Workflow.Status SUPPRESSED', () => passedControl({ Workflow: { Status: 'SUPPRESSED' } }), /SUPPRESSED/],
  ['ASFF RecordState ARCHIVED', () => passedControl({ RecordState: 'ARCHIVED' }), /ARCHIVED/],
  ['ASFF GuardDuty finding archived in Security Hub', () => ({ ...fixture('securityhub-asff-guardduty-finding-SSHBruteForce.json'), RecordState: 'ARCHIVED' }), /ARCHIVED/],
  ['OCSF compliance.status_id 1 (Pass)', () => { const e = ocsfEvent('IAM.6'); const f = (detail(e).findings as Json[])[0] as Json; f.compliance = { control: 'IAM.6', status: 'Pass', status_id: 1 }; return e; }, /passed/],
  ['OCSF status_id 4 (Resolved)', () => { const e = ocsfEvent('IAM.6'); const f = (detail(e).findings as Json[])[0] as Json; Object.assign(f, { status: 'Resolved', status_id: 4 }); return e; }, /Resolved/],
  ['OCSF status_id 3 (Suppressed)', () => { const e = ocsfEvent('IAM.6'); const f = (detail(e).findings as Json[])[0] as Json; Object.assign(f, { status: 'Suppressed', status_id: 3 }); return e; }, /Suppressed/],
  ['Config COMPLIANT', () => { const e = configEvent(); (detail(e).newEvaluationResult as Json).complianceType = 'COMPLIANT'; return e; }, /COMPLIANT/],
  ['GuardDuty service.archived', () => { const e = guardDutyEvent('UnauthorizedAccess:EC2/SSHBruteForce'); (detail(e).service as Json).archived = true; return e; }, /archived/],
  ['Inspector status CLOSED', () => { const e = inspectorEvent(); detail(e).status = 'CLOSED'; return e; }, /CLOSED/],
  ['Macie archived', () => { const e = macieEvent(); detail(e).archived = true; return e; }, /archived/],
];

describe('a finding that reports its own resolution', () => {
  const analyst = new PlaybookAnalyst();

  it.each(RESOLVED)('%s: resolved, with the reason, no actions, not explained as a live problem', async (_name, make, reason) => {
    const finding = one(make());
    expect(finding.resolved).toMatch(reason);
    const analysis = await analyzeOne(analyst, finding);
    expect(analysis.status).toBe('resolved');
    expect(analysis.statusReason).toMatch(reason);
    expect(analysis.actions).toEqual([]);
    expect(analysis.iac).toBeUndefined();
    expect(analysis.summary).toMatch(/^Resolved: /);
    // The live-problem wording of the EC2.18 playbook does not appear.
    expect(analysis.summary).not.toMatch(/accepts connections from anywhere|allows unrestricted/i);
  });

  it('the same findings while open are active and keep their playbook actions', async () => {
    const open = one(securityHubEvent([controlFinding('EC2.18', { severity: 'HIGH' })]));
    expect(open.resolved).toBeUndefined();
    const analysis = await analyzeOne(analyst, open);
    expect(analysis.status).toBe('active');
    expect(analysis.actions.map((a) => a.action)).toContain('ec2:revoke-public-ingress');
    for (const [, make] of [['gd', () => guardDutyEvent('UnauthorizedAccess:EC2/SSHBruteForce')], ['cfg', () => configEvent()], ['insp', () => inspectorEvent()], ['ocsf', () => ocsfEvent('IAM.6')]] as const) {
      expect(one(make()).resolved).toBeUndefined();
    }
  });

  it('is said plainly in JSON, text and Markdown', () => {
    const input = `${JSON.stringify(passedControl({ Compliance: { Status: 'PASSED', SecurityControlId: 'EC2.18' }, Workflow: { Status: 'RESOLVED' } }))}\n`;
    const json = runCli(['triage', '--format', 'json'], input);
    expect(json.status).toBe(0);
    const line = JSON.parse(json.stdout) as { analysis: { status: string; statusReason: string; actions: unknown[] }; finding: { resolved: string } };
    expect(line.analysis.status).toBe('resolved');
    expect(line.analysis.statusReason).toMatch(/PASSED/);
    expect(line.analysis.actions).toEqual([]);
    const text = runCli(['triage', '--format', 'text'], input);
    expect(text.stdout).toMatch(/RESOLVED: the control check PASSED\. No action needed\./);
    expect(text.stdout).toMatch(/Proposed actions\n\s+none/);
    const md = runCli(['triage', '--format', 'markdown'], input);
    expect(md.stdout).toMatch(/> \*\*Resolved\*\*: the control check PASSED/);
    expect(md.stdout).toMatch(/\| Status \| resolved \|/);
  });
});
