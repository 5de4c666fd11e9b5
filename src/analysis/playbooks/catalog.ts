/**
 * Loads the playbook catalog: one YAML file per entry under `catalog/`, each validated against the
 * schema, its id equal to its file name, its template variables known, its actions registered with
 * a target of the kind the action declares, and no finding type or control claimed twice.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { Finding } from '../../findings/model.js';
import { findAction } from '../../response/registry.js';
import { CatalogError } from '../errors.js';
import { VARIABLES, templateError, templateVariables } from './render.js';
import { playbookSchema, type Playbook } from './schema.js';

/** The directory holding the bundled catalog. */
export const CATALOG_DIR = fileURLToPath(new URL('./catalog/', import.meta.url));

/** What the catalog looks at to find a finding's playbook. */
export type Resolvable = Pick<Finding, 'type'> & Partial<Pick<Finding, 'resources' | 'control' | 'details'>>;

/** A loaded catalog that resolves findings to playbooks. */
export interface Catalog {
  readonly entries: ReadonlyMap<string, Playbook>;
  /**
   * The playbook for this finding, or undefined when none covers it: by its type and resource
   * type, its type (exact, then the longest family), the control it maps to, its Config rule.
   */
  resolve(finding: Resolvable): Playbook | undefined;
}

function fail(file: string, message: string): never {
  throw new CatalogError(`${file}: ${message}`);
}

/** The text of a playbook, or of an analysis rendered from one, as it is shaped for both. */
export interface PlaybookText {
  summary: string;
  impact: string;
  falsePositives: readonly string[];
  steps: readonly { title: string; detail: string; commands: readonly string[] }[];
  iac?: { terraform?: string | undefined; cloudformation?: string | undefined; note?: string | undefined } | undefined;
}

/** Every text field of a playbook or analysis, with its path (`steps[2].commands[0]`). */
export function textFields(pb: PlaybookText): [string, string][] {
  return [
    ['summary', pb.summary],
    ['impact', pb.impact],
    ...pb.falsePositives.map((t, i): [string, string] => [`falsePositives[${i}]`, t]),
    ...pb.steps.flatMap((s, i): [string, string][] => [
      [`steps[${i}].title`, s.title],
      [`steps[${i}].detail`, s.detail],
      ...s.commands.map((c, j): [string, string] => [`steps[${i}].commands[${j}]`, c]),
    ]),
    ...(pb.iac?.terraform === undefined ? [] : [['iac.terraform', pb.iac.terraform] as [string, string]]),
    ...(pb.iac?.cloudformation === undefined ? [] : [['iac.cloudformation', pb.iac.cloudformation] as [string, string]]),
    ...(pb.iac?.note === undefined ? [] : [['iac.note', pb.iac.note] as [string, string]]),
  ];
}

function checkTemplates(file: string, pb: Playbook): void {
  const fields = textFields(pb);
  for (const [field, template] of fields) {
    const broken = templateError(template);
    if (broken !== undefined) fail(file, `field "${field}" has an unclosed or unmatched section: ${broken}`);
    for (const name of templateVariables(template)) {
      if (VARIABLES[name] === undefined) fail(file, `field "${field}" uses unknown variable {{${name}}}; known: ${Object.keys(VARIABLES).join(', ')}`);
    }
    // A backslash before a value would escape the quoting the value is rendered in.
    if (field.includes('.commands[') && /\\\{\{/.test(template)) fail(file, `field "${field}" puts a backslash right before a {{value}}: it would escape the value's quoting; remove it`);
  }
  pb.actions.forEach((a, i) => {
    const def = findAction(a.action);
    if (def === undefined) fail(file, `field "actions[${i}].action": unknown action ${JSON.stringify(a.action)}`);
    if (def.target !== a.target) fail(file, `field "actions[${i}].target": ${a.action} targets ${def.target}, not ${a.target}`);
  });
}

function validatePlaybook(file: string, data: unknown, where: string): Playbook {
  const result = playbookSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const at = issue?.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') ?? '';
    fail(file, `${where}field "${at}" ${issue?.message ?? 'is invalid'}`);
  }
  checkTemplates(file, result.data);
  return result.data;
}

/**
 * Parses and validates one catalog file: a single playbook whose id is the file name, or a
 * `playbooks:` list (with an optional `shared:` block for YAML anchors the entries reuse).
 */
export function loadCatalogFile(path: string): Playbook[] {
  const file = basename(path);
  let data: unknown;
  try {
    data = parse(readFileSync(path, 'utf8'), { maxAliasCount: 1000 });
  } catch (err) {
    fail(file, `not valid YAML (${err instanceof Error ? err.message : String(err)})`);
  }
  return validateCatalogDocument(file, data);
}

/** Validates one parsed catalog file (see loadCatalogFile). */
export function validateCatalogDocument(file: string, data: unknown): Playbook[] {
  if (data !== null && typeof data === 'object' && 'playbooks' in data) {
    const { playbooks } = data as { playbooks: unknown };
    const extra = Object.keys(data).find((k) => k !== 'playbooks' && k !== 'shared');
    if (extra !== undefined) fail(file, `unknown top-level key "${extra}" (a list file holds only "playbooks" and "shared")`);
    if (!Array.isArray(playbooks) || playbooks.length === 0) fail(file, 'field "playbooks" must be a non-empty list');
    return playbooks.map((p, i) => {
      const id = p !== null && typeof p === 'object' && 'id' in p && typeof p.id === 'string' ? ` (${p.id})` : '';
      return validatePlaybook(file, p, `playbooks[${i}]${id}: `);
    });
  }
  const pb = validatePlaybook(file, data, '');
  if (`${pb.id}.yaml` !== file) fail(file, `id "${pb.id}" does not match the file name`);
  return [pb];
}

/** Builds a catalog from validated playbooks; a type or control claimed twice is an error. */
export function buildCatalog(playbooks: readonly Playbook[]): Catalog {
  const entries = new Map<string, Playbook>();
  const exact = new Map<string, Playbook>();
  const families: [string, Playbook][] = [];
  for (const pb of playbooks) {
    if (entries.has(pb.id)) fail(`${pb.id}`, `duplicate playbook id`);
    entries.set(pb.id, pb);
    const qualified = pb.match.resourceTypes ?? [undefined];
    const keys = [...pb.match.types, ...pb.match.controls].flatMap((k) => qualified.map((r) => (r === undefined ? k : `${k}@${r}`)));
    for (const key of [...keys, ...pb.match.configRules.map((r) => `config-rule:${r}`)]) {
      if (key.endsWith('*')) {
        const prefix = key.slice(0, -1);
        const clash = families.find(([p]) => p === prefix);
        if (clash !== undefined) fail(pb.id, `family ${key} is also claimed by ${clash[1].id}`);
        families.push([prefix, pb]);
      } else {
        const clash = exact.get(key);
        if (clash !== undefined) fail(pb.id, `${key} is also claimed by ${clash.id}`);
        exact.set(key, pb);
      }
    }
  }
  families.sort((a, b) => b[0].length - a[0].length);
  return {
    entries,
    resolve(finding) {
      const resourceType = finding.resources?.[0]?.type;
      const hit = (resourceType === undefined ? undefined : exact.get(`${finding.type}@${resourceType}`)) ?? exact.get(finding.type);
      if (hit !== undefined) return hit;
      for (const [prefix, pb] of families) if (finding.type.startsWith(prefix)) return pb;
      const byControl = finding.control === undefined ? undefined : exact.get(finding.control);
      if (byControl !== undefined) return byControl;
      const rule = finding.details?.managedRule;
      return typeof rule === 'string' ? exact.get(`config-rule:${rule}`) : undefined;
    },
  };
}

let bundled: Catalog | undefined;

/** The build's pre-parsed catalog (`catalog.json` beside the catalog directory), or undefined when absent (running from source). */
function preparsed(): Playbook[] | undefined {
  let text: string;
  try {
    text = readFileSync(fileURLToPath(new URL('./catalog.json', import.meta.url)), 'utf8');
  } catch {
    return undefined;
  }
  const docs = JSON.parse(text) as Record<string, unknown>;
  return Object.entries(docs).flatMap(([file, data]) => validateCatalogDocument(file, data));
}

/** Loads (once) the catalog from `dir`, by default the bundled one. */
export function loadCatalog(dir: string = CATALOG_DIR): Catalog {
  if (dir === CATALOG_DIR && bundled !== undefined) return bundled;
  const fast = dir === CATALOG_DIR ? preparsed() : undefined;
  if (fast !== undefined) return (bundled = buildCatalog(fast));
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  } catch (err) {
    throw new CatalogError(`cannot read the playbook catalog at ${dir}`, { cause: err });
  }
  const catalog = buildCatalog(files.flatMap((f) => loadCatalogFile(join(dir, f))));
  if (dir === CATALOG_DIR) bundled = catalog;
  return catalog;
}
