/**
 * What the catalog knows: every GuardDuty finding type and Security Hub control AWS documents
 * (the bundled `index/*.tsv`, facts from the AWS user guides), each resolved to its playbook.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { controlFinding, controlSampleType, type SampleOptions } from '../../findings/samples.js';
import type { Catalog } from './catalog.js';

/** The directory holding the bundled index of known types and controls. */
export const INDEX_DIR = fileURLToPath(new URL('./index/', import.meta.url));

/** How AWS lists a GuardDuty finding type. */
export type TypeStatus = 'active' | 'custom-rule' | 'retired';

/** One GuardDuty finding type from the index. */
export interface KnownType {
  type: string;
  status: TypeStatus;
  category: string;
  resourceType: string;
  severity: string;
  /** For a retired type: the type that replaced it (or the closest active one). */
  successor?: string;
  docUrl: string;
}

/** One Security Hub control from the index. */
export interface KnownControl {
  id: string;
  title: string;
  severity: string;
  resourceType: string;
  docUrl: string;
}

function rows(file: string): string[][] {
  const lines = readFileSync(`${INDEX_DIR}${file}`, 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return lines.slice(1).map((l) => l.split('\t'));
}

let types: KnownType[] | undefined;
let controls: KnownControl[] | undefined;

/** Every GuardDuty finding type AWS documents, active, custom-rule and retired. */
export function knownTypes(): KnownType[] {
  types ??= rows('guardduty-types.tsv').map(([type = '', status = '', category = '', resourceType = '', severity = '', successor = '', docUrl = '']) => ({
    type,
    status: status as TypeStatus,
    category,
    resourceType,
    severity,
    ...(successor === '' ? {} : { successor }),
    docUrl,
  }));
  return types;
}

/** Every Security Hub control AWS documents. */
export function knownControls(): KnownControl[] {
  controls ??= rows('securityhub-controls.tsv').map(([id = '', title = '', severity = '', resourceType = '', docUrl = '']) => ({ id, title, severity, resourceType, docUrl }));
  return controls;
}

let controlFacts: Map<string, KnownControl> | undefined;

/** What the index knows of control `id`, or undefined for an id it does not list. */
export function knownControl(id: string): KnownControl | undefined {
  controlFacts ??= new Map(knownControls().map((c) => [c.id, c]));
  return controlFacts.get(id);
}

/** A sample finding of control `id`, with its title and severity, about the kind of resource its reference names. */
export function knownControlFinding(id: string, opts: SampleOptions = {}): Record<string, unknown> {
  const known = knownControl(id);
  return controlFinding(id, { ...opts, ...(known === undefined ? {} : { title: known.title, severity: known.severity, resourceType: known.resourceType }) });
}

/** Known and covered counts of one group. */
export interface Tally {
  known: number;
  covered: number;
}

/** The catalog's coverage of the known types and controls. */
export interface Coverage {
  playbooks: number;
  guardduty: { total: Tally; byStatus: Record<string, Tally>; byCategory: Record<string, Tally>; byResourceType: Record<string, Tally> };
  securityhub: { total: Tally; bySeverity: Record<string, Tally>; byService: Record<string, Tally>; byResourceType: Record<string, Tally> };
  /** Each known type and control with the playbook that covers it (null when none does). */
  entries: { source: 'guardduty' | 'securityhub'; id: string; status: string; severity: string; playbookId: string | null }[];
}

function tally(t: Tally, covered: boolean): void {
  t.known += 1;
  if (covered) t.covered += 1;
}

function count(groups: Record<string, Tally>, key: string, covered: boolean): void {
  tally((groups[key] ??= { known: 0, covered: 0 }), covered);
}

/** Resolves every known type and control against `catalog`. */
export function coverage(catalog: Catalog): Coverage {
  const out: Coverage = {
    playbooks: catalog.entries.size,
    guardduty: { total: { known: 0, covered: 0 }, byStatus: {}, byCategory: {}, byResourceType: {} },
    securityhub: { total: { known: 0, covered: 0 }, bySeverity: {}, byService: {}, byResourceType: {} },
    entries: [],
  };
  for (const t of knownTypes()) {
    const pb = catalog.resolve({ type: t.type });
    const covered = pb !== undefined;
    tally(out.guardduty.total, covered);
    count(out.guardduty.byStatus, t.status, covered);
    count(out.guardduty.byCategory, t.category, covered);
    for (const r of t.resourceType.split(/\s*\|\s*|\s+or\s+/)) count(out.guardduty.byResourceType, r, covered);
    out.entries.push({ source: 'guardduty', id: t.type, status: t.status, severity: t.severity, playbookId: pb?.id ?? null });
  }
  for (const c of knownControls()) {
    const pb = catalog.resolve({ type: c.id });
    const covered = pb !== undefined;
    tally(out.securityhub.total, covered);
    count(out.securityhub.bySeverity, c.severity, covered);
    count(out.securityhub.byService, c.id.split('.')[0] ?? c.id, covered);
    count(out.securityhub.byResourceType, /account/i.test(c.resourceType) ? 'Account' : controlSampleType(c.id, c.resourceType, '(not listed)').replace(/^AWS::(::)?/, ''), covered);
    out.entries.push({ source: 'securityhub', id: c.id, status: 'active', severity: c.severity, playbookId: pb?.id ?? null });
  }
  return out;
}
