/** `firebreak catalog`: what the offline playbook catalog covers, with counts. */
import pc from 'picocolors';
import { loadCatalog } from '../analysis/playbooks/catalog.js';
import { type Coverage, type Tally, coverage } from '../analysis/playbooks/coverage.js';

/** Options of `firebreak catalog`. */
export interface CatalogRequest {
  format: 'text' | 'json';
  /** List every type and control with its playbook. */
  list: boolean;
  /** List only what no playbook covers. */
  missing: boolean;
  source?: 'guardduty' | 'securityhub';
}

function pct(t: Tally): string {
  return t.known === 0 ? '-' : `${Math.floor((t.covered / t.known) * 100)}%`;
}

function table(title: string, groups: Record<string, Tally>): string[] {
  const keys = Object.keys(groups).sort((a, b) => (groups[b]?.known ?? 0) - (groups[a]?.known ?? 0) || a.localeCompare(b));
  const width = Math.max(...keys.map((k) => k.length), 10);
  return [
    pc.bold(title),
    ...keys.map((k) => {
      const t = groups[k] ?? { known: 0, covered: 0 };
      return `    ${k.padEnd(width)}  ${String(t.covered).padStart(4)} / ${String(t.known).padEnd(4)} ${pct(t).padStart(4)}`;
    }),
  ];
}

/** The human-readable coverage report. */
export function coverageText(c: Coverage, req: CatalogRequest): string {
  const lines: string[] = [];
  const gd = req.source === undefined || req.source === 'guardduty';
  const sh = req.source === undefined || req.source === 'securityhub';
  lines.push(`${pc.bold('firebreak playbook catalog')}: ${c.playbooks} playbooks`);
  if (gd) {
    lines.push('', `GuardDuty finding types: ${c.guardduty.total.covered} of ${c.guardduty.total.known} covered (${pct(c.guardduty.total)})`);
    lines.push(...table('  by status', c.guardduty.byStatus), ...table('  by feature', c.guardduty.byCategory), ...table('  by resource type', c.guardduty.byResourceType));
  }
  if (sh) {
    lines.push('', `Security Hub controls: ${c.securityhub.total.covered} of ${c.securityhub.total.known} covered (${pct(c.securityhub.total)})`);
    lines.push(...table('  by severity', c.securityhub.bySeverity), ...table('  by service', c.securityhub.byService), ...table('  by resource type', c.securityhub.byResourceType));
  }
  if (req.list || req.missing) {
    const rows = c.entries.filter((e) => (gd || e.source !== 'guardduty') && (sh || e.source !== 'securityhub') && (!req.missing || e.playbookId === null));
    lines.push('', pc.bold(req.missing ? `Not covered (${rows.length})` : `Every type and control (${rows.length})`));
    for (const e of rows) lines.push(`  ${e.id}  ${pc.dim(`${e.severity}${e.status === 'active' ? '' : `, ${e.status}`}`)}  ${e.playbookId ?? pc.yellow('(no playbook)')}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Runs `firebreak catalog`; returns the text to print. */
export function runCatalog(req: CatalogRequest): string {
  const c = coverage(loadCatalog());
  if (req.format === 'json') {
    const entries = c.entries.filter((e) => (req.source === undefined || e.source === req.source) && (!req.missing || e.playbookId === null));
    return `${JSON.stringify({ playbooks: c.playbooks, guardduty: c.guardduty, securityhub: c.securityhub, ...(req.list || req.missing ? { entries } : {}) }, null, 2)}\n`;
  }
  return coverageText(c, req);
}
