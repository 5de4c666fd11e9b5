/**
 * The security control id of a Security Hub control finding. Consolidated findings carry it
 * (`Compliance.SecurityControlId`); findings written per standard (before consolidated control
 * findings, or with it turned off) carry the standard's own id instead: CIS v1.2.0 `RuleId` 1.4,
 * CIS v1.4.0 and v3.0.0 `ControlId` 2.1.5.1, PCI DSS `PCI.IAM.1`. Those are mapped through a table
 * of facts from the Security Hub control reference (`data/standard-controls.tsv`).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TABLE_FILE = fileURLToPath(new URL('../data/standard-controls.tsv', import.meta.url));

let table: Map<string, string> | undefined;

/** `standard/version` + `\u0000` + standard control id -> security control id. */
function mapping(): Map<string, string> {
  if (table !== undefined) return table;
  table = new Map();
  for (const line of readFileSync(TABLE_FILE, 'utf8').split('\n').slice(1)) {
    if (line === '' || line.startsWith('#') || line.startsWith('standard\t')) continue;
    const [standard = '', local = '', control = ''] = line.split('\t');
    table.set(`${standard}\u0000${local}`, control);
  }
  return table;
}

/** Every row of the table, for tests and coverage. */
export function standardControlRows(): { standard: string; local: string; control: string }[] {
  return [...mapping()].map(([key, control]) => {
    const [standard = '', local = ''] = key.split('\u0000');
    return { standard, local, control };
  });
}

const STANDARD = /(cis-aws-foundations-benchmark|pci-dss|aws-foundational-security-best-practices|nist-800-53|aws-resource-tagging-standard|service-managed-aws-control-tower)\/v\/[^/]+/;
const SECURITY_CONTROL = /^[A-Za-z][A-Za-z0-9]*\.\d+$/;

/** The fields of an ASFF finding that name its control. */
export interface ControlFields {
  Compliance?: { SecurityControlId?: string | undefined } | undefined;
  ProductFields?: Record<string, string> | undefined;
  GeneratorId: string;
}

/** The standard (`cis-aws-foundations-benchmark/v/1.2.0`) a per-standard control finding belongs to. */
export function standardOf(f: ControlFields): string | undefined {
  const pf = f.ProductFields ?? {};
  for (const v of [pf.StandardsArn, pf.StandardsGuideArn, pf.StandardsControlArn, f.GeneratorId]) {
    const m = v === undefined ? null : STANDARD.exec(v);
    if (m !== null) return m[0];
  }
  return undefined;
}

/** The security control id of a control finding, or undefined for product findings. */
export function controlIdOf(f: ControlFields): string | undefined {
  const consolidated = f.Compliance?.SecurityControlId;
  if (consolidated !== undefined && consolidated !== '') return consolidated;
  const m = /^security-control\/(.+)$/.exec(f.GeneratorId);
  if (m?.[1] !== undefined) return m[1];
  const standard = standardOf(f);
  const pf = f.ProductFields ?? {};
  const generated = standard === undefined ? undefined : f.GeneratorId.slice(f.GeneratorId.indexOf(standard) + standard.length).replace(/^\/(rule\/)?/, '');
  const local = pf.ControlId ?? pf.RuleId ?? (generated === '' ? undefined : generated);
  if (local === undefined || local === '') return undefined;
  if (standard !== undefined) {
    const mapped = mapping().get(`${standard}\u0000${local}`);
    if (mapped !== undefined) return mapped;
  }
  const bare = local.replace(/^SH\./, '');
  return SECURITY_CONTROL.test(bare) && !bare.startsWith('PCI.') ? bare : undefined;
}
