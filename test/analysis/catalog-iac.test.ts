/**
 * Every infrastructure-as-code fix in the catalog, rendered for a sample finding, is valid on its
 * own: Terraform parses as HCL (@cdktf/hcl2json, HashiCorp's parser compiled to WebAssembly) and
 * CloudFormation passes cfn-lint (installed into .venv by the test setup) with no error or warning.
 * And every fix passes the checkov checks of the control it fixes, on every resource it declares
 * (checkov installed into .venv-checkov by the test setup; the control-to-check table is
 * test/fixtures/checkov/controls.tsv).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse as parseHcl } from '@cdktf/hcl2json';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { renderPlaybook } from '../../src/analysis/playbooks/analyst.js';
import { loadCatalog } from '../../src/analysis/playbooks/catalog.js';
import type { Playbook } from '../../src/analysis/playbooks/schema.js';
import type { Finding } from '../../src/findings/model.js';
import { samplesFor } from '../helpers/playbook-samples.js';

const CFN_LINT = fileURLToPath(new URL('../../.venv/bin/cfn-lint', import.meta.url));
const CHECKOV = fileURLToPath(new URL('../../.venv-checkov/bin/checkov', import.meta.url));
const CHECKOV_TABLE = fileURLToPath(new URL('../fixtures/checkov/controls.tsv', import.meta.url));
const run = promisify(execFile);

const withIac = [...loadCatalog().entries.values()].filter((pb) => pb.iac !== undefined);

/** A sample finding the playbook covers. */
function sampleFor(pb: Playbook): Finding {
  const [f] = samplesFor(pb.match.types, pb.match.controls, pb.match.configRules, pb.match.resourceTypes);
  if (f === undefined) throw new Error(`no sample for ${pb.id}`);
  return f;
}

const rendered = withIac.map((pb) => ({ id: pb.id, keys: [...pb.match.controls, pb.id], iac: renderPlaybook(pb, sampleFor(pb)).iac ?? {} }));

describe('catalog IaC', () => {
  it('has fixes to check', () => {
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.filter((r) => r.iac.terraform !== undefined).length).toBeGreaterThan(10);
    expect(rendered.filter((r) => r.iac.cloudformation !== undefined).length).toBeGreaterThan(10);
  });

  it.each(rendered.filter((r) => r.iac.terraform !== undefined).map((r) => [r.id, r.iac.terraform ?? ''] as const))(
    '%s: Terraform parses as HCL and declares a resource (or the provider default every resource gets)',
    async (id, hcl) => {
      const parsed = (await parseHcl(`${id}.tf`, hcl)) as { resource?: unknown; provider?: { aws?: { default_tags?: unknown }[] } };
      expect(parsed.resource !== undefined || parsed.provider?.aws?.[0]?.default_tags !== undefined, id).toBe(true);
    },
  );

  describe('CloudFormation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firebreak-cfn-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const templates = rendered.filter((r) => r.iac.cloudformation !== undefined);

    it('every template is a YAML document with a Resources section', () => {
      for (const t of templates) {
        const doc = parseYaml(t.iac.cloudformation ?? '', { customTags: ['!Ref', '!Sub', '!GetAtt', '!Join', '!If', '!Equals', '!Select', '!Split'].map((tag) => ({ tag, resolve: (v: string) => v })) }) as Record<string, unknown>;
        expect(Object.keys(doc.Resources as object).length, t.id).toBeGreaterThan(0);
      }
    });

    it('every template passes cfn-lint with no error or warning', async () => {
      const files = templates.map((t) => {
        const file = join(dir, `${t.id}.yaml`);
        writeFileSync(file, t.iac.cloudformation ?? '');
        return file;
      });
      let out: string;
      try {
        ({ stdout: out } = await run(CFN_LINT, ['--format', 'json', '--', ...files], { timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }));
      } catch (err) {
        // cfn-lint exits non-zero when it reports anything; the JSON report is still on stdout.
        out = (err as { stdout?: string }).stdout ?? '';
        if (out === '') throw err;
      }
      const matches = (JSON.parse(out) as { Level: string; Message: string; Rule: { Id: string }; Filename: string }[])
        .filter((m) => m.Level !== 'Informational')
        .map((m) => `${m.Filename.split('/').pop() ?? ''}: ${m.Rule.Id} ${m.Message}`);
      expect(matches).toEqual([]);
    }, 120_000);
  });
});

/** control or playbook id -> the checkov checks that test it, or the reason none can be evaluated. */
function checkovTable(): Map<string, { checks: string[]; reason?: string }> {
  const table = new Map<string, { checks: string[]; reason?: string }>();
  for (const line of readFileSync(CHECKOV_TABLE, 'utf8').split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [key = '', checks = '', reason] = line.split('\t');
    table.set(key, checks === '-' ? { checks: [], reason } : { checks: checks.split(',') });
  }
  return table;
}

interface CheckovResult {
  check_id: string;
  file_path: string;
  resource: string;
  check_result: { result: string; suppress_comment?: string };
}

describe('checkov: every fix passes the checks of its own control', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firebreak-checkov-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const table = checkovTable();

  it('the table is well formed and names controls the catalog covers', () => {
    const catalog = loadCatalog();
    for (const [key, row] of table) {
      expect(row.checks.every((c) => /^CKV2?_AWS_\d+$/.test(c)), key).toBe(true);
      if (row.checks.length === 0) expect(row.reason ?? '', key).toMatch(/\w{10}/);
      const known = catalog.entries.has(key) || catalog.resolve({ type: key }) !== undefined;
      expect(known, key).toBe(true);
    }
    expect([...table.values()].filter((r) => r.checks.length > 0).length).toBeGreaterThan(90);
  });

  it('the checks of each control a fix covers are evaluated on it and pass; a skip says why', async () => {
    for (const r of rendered) {
      if (r.iac.terraform !== undefined) {
        mkdirSync(join(dir, 'terraform', r.id), { recursive: true });
        writeFileSync(join(dir, 'terraform', r.id, 'main.tf'), r.iac.terraform);
      }
      if (r.iac.cloudformation !== undefined) {
        mkdirSync(join(dir, 'cloudformation'), { recursive: true });
        writeFileSync(join(dir, 'cloudformation', `${r.id}.yaml`), r.iac.cloudformation);
      }
    }
    const results: CheckovResult[] = [];
    for (const framework of ['terraform', 'cloudformation']) {
      let out: string;
      try {
        // --skip-download: no network (checkov would otherwise fetch guidelines from its platform).
        ({ stdout: out } = await run(CHECKOV, ['-d', join(dir, framework), '--framework', framework, '-o', 'json', '--compact', '--skip-download'], { timeout: 240_000, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LOG_LEVEL: 'ERROR' } }));
      } catch (err) {
        // checkov exits 1 when any check fails; the JSON report is still on stdout.
        out = (err as { stdout?: string }).stdout ?? '';
        if (out === '') throw err;
      }
      const report = JSON.parse(out) as { results: Record<string, CheckovResult[]> };
      for (const list of Object.values(report.results)) results.push(...list);
    }
    const playbookOf = (path: string): string => path.replace(/^\//, '').split('/')[0]?.replace(/\.yaml$/, '') ?? '';
    const byPlaybook = new Map<string, CheckovResult[]>();
    for (const res of results) {
      const id = playbookOf(res.file_path);
      const list = byPlaybook.get(id) ?? [];
      list.push(res);
      byPlaybook.set(id, list);
    }
    expect(byPlaybook.size).toBeGreaterThan(100);

    const problems: string[] = [];
    let verified = 0;
    for (const r of rendered) {
      const own = byPlaybook.get(r.id) ?? [];
      for (const res of own) {
        if (res.check_result.result === 'SKIPPED' && (res.check_result.suppress_comment ?? '').length < 20) problems.push(`${r.id}: ${res.check_id} on ${res.resource} skipped without a reason`);
      }
      for (const key of r.keys) {
        for (const check of table.get(key)?.checks ?? []) {
          const mine = own.filter((res) => res.check_id === check);
          const failed = mine.filter((res) => res.check_result.result === 'FAILED');
          for (const f of failed) problems.push(`${r.id} (${key}): ${check} fails on ${f.resource}`);
          if (!mine.some((res) => res.check_result.result === 'PASSED')) problems.push(`${r.id} (${key}): ${check} is not evaluated on the fix`);
          else if (failed.length === 0) verified += 1;
        }
      }
    }
    expect(problems).toEqual([]);
    expect(verified).toBeGreaterThan(100);

    // Nor does a fix bring in a violation of another CRITICAL or HIGH control: a launch template
    // that fixes public addresses still requires IMDSv2, a bucket it creates blocks public access.
    const { knownControls } = await import('../../src/analysis/playbooks/coverage.js');
    const serious = new Set(knownControls().filter((c) => c.severity === 'CRITICAL' || c.severity === 'HIGH').map((c) => c.id));
    const seriousChecks = new Map<string, string>();
    for (const [key, row] of table) if (serious.has(key)) for (const check of row.checks) seriousChecks.set(check, key);
    const introduced = results
      .filter((res) => res.check_result.result === 'FAILED' && seriousChecks.has(res.check_id))
      .map((res) => `${playbookOf(res.file_path)}: ${res.check_id} (${seriousChecks.get(res.check_id) ?? ''}) fails on ${res.resource}`);
    expect(introduced).toEqual([]);
  }, 300_000);
});

describe('IaC coverage of CRITICAL and HIGH controls', () => {
  it('every fixable one carries Terraform and CloudFormation, or says why CloudFormation cannot; the rest say why no code fixes them', async () => {
    const { knownControls } = await import('../../src/analysis/playbooks/coverage.js');
    const catalog = loadCatalog();
    const serious = knownControls().filter((c) => c.severity === 'CRITICAL' || c.severity === 'HIGH');
    const rows = serious.map((c) => ({ id: c.id, iac: catalog.resolve({ type: c.id })?.iac }));
    const notFixable = rows.filter((r) => r.iac?.note !== undefined && r.iac.terraform === undefined && r.iac.cloudformation === undefined);
    const fixable = rows.filter((r) => !notFixable.includes(r));
    const both = fixable.filter((r) => r.iac?.terraform !== undefined && r.iac.cloudformation !== undefined);
    const terraformAndNote = fixable.filter((r) => r.iac?.terraform !== undefined && r.iac.cloudformation === undefined && r.iac.note !== undefined);
    const incomplete = fixable.filter((r) => !both.includes(r) && !terraformAndNote.includes(r)).map((r) => r.id);
    expect(incomplete).toEqual([]);
    // Where CloudFormation has a resource for the fix, both are there; the others say CloudFormation has none.
    expect((both.length + terraformAndNote.length) / fixable.length).toBeGreaterThanOrEqual(0.9);
    for (const r of terraformAndNote) expect(r.iac?.note, r.id).toMatch(/CloudFormation (has no resource|cannot)/);
    // The ones the issue named as missing.
    for (const id of ['BedrockAgentCore.1', 'BedrockAgentCore.2', 'BedrockAgentCore.5', 'BedrockAgentCore.7', 'EKS.2', 'EKS.9', 'RDS.51', 'MSK.4']) expect(both.map((r) => r.id), id).toContain(id);
    for (const id of ['RDS.1', 'SSM.4', 'SSM.7']) expect(terraformAndNote.map((r) => r.id), id).toContain(id);
    expect(notFixable.map((r) => r.id).sort()).toEqual(['Account.2', 'DocumentDB.3', 'IAM.4', 'IAM.6', 'IAM.9', 'Neptune.3']);
  });
});

describe('IaC coverage of every control', () => {
  it('each carries Terraform and CloudFormation, or one of them and a note on the other, or a note saying why no code fixes it', async () => {
    const { knownControls } = await import('../../src/analysis/playbooks/coverage.js');
    const catalog = loadCatalog();
    const kinds = new Map<string, string[]>();
    const problems: string[] = [];
    for (const c of knownControls()) {
      const iac = catalog.resolve({ type: c.id })?.iac;
      const kind =
        iac === undefined ? 'none'
        : iac.terraform !== undefined && iac.cloudformation !== undefined ? 'both'
        : iac.terraform !== undefined && iac.note !== undefined ? 'terraform+note'
        : iac.cloudformation !== undefined && iac.note !== undefined ? 'cloudformation+note'
        : iac.note !== undefined && iac.terraform === undefined && iac.cloudformation === undefined ? 'note'
        : 'incomplete';
      kinds.set(kind, [...(kinds.get(kind) ?? []), c.id]);
      // A missing CloudFormation (or Terraform) fix says so in words a reader can act on.
      if (kind === 'terraform+note' && !/CloudFormation (has no|cannot)/.test(iac?.note ?? '')) problems.push(`${c.id}: the note does not say why CloudFormation is missing: ${iac?.note ?? ''}`);
      if (kind === 'cloudformation+note' && !/Terraform('s AWS provider| AWS provider|'s aws_\w+)? (has no|cannot)/.test(iac?.note ?? '')) problems.push(`${c.id}: the note does not say why Terraform is missing: ${iac?.note ?? ''}`);
    }
    expect(kinds.get('none') ?? [], 'controls with no fix as code and no note').toEqual([]);
    expect(kinds.get('incomplete') ?? [], 'a fix in one language with no note on the other').toEqual([]);
    expect(problems).toEqual([]);
    // Most controls are fixed by configuration in both languages.
    expect((kinds.get('both') ?? []).length / knownControls().length).toBeGreaterThanOrEqual(0.6);
  });
});
