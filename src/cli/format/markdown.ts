/** `--format markdown`: a report for tickets, pull requests and wikis. Finding text is escaped. */
import { cleanText } from '../../analysis/playbooks/render.js';
import type { TriageResult, TriageStats } from '../../pipeline.js';
import { provenance } from './provenance.js';

/** Escapes Markdown and HTML special characters in untrusted text. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, (ch) => `\\${ch}`).replace(/&/g, '&amp;');
}

function fence(code: string, lang: string): string {
  const longest = Math.max(2, ...[...code.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${code.trimEnd()}\n${ticks}`;
}

/** Renders one result as a Markdown section. */
export function markdownBlock(result: TriageResult): string {
  if (result.kind === 'error') {
    return `> **Rejected input** \`${result.error.code}\`: ${mdEscape(cleanText(result.error.message, 1000))}\n\n`;
  }
  const { finding: f, analysis: a } = result;
  const out: string[] = [];
  out.push(`## ${f.severity.label}: ${mdEscape(cleanText(f.title, 300))}`);
  out.push('');
  if (a.status === 'resolved') out.push(`> **Resolved**: ${mdEscape(cleanText(a.statusReason ?? '', 500))}. No action needed.`, '');
  out.push(`| | |\n|---|---|`);
  out.push(`| Status | ${a.status === 'resolved' ? 'resolved' : 'active'} |`);
  out.push(`| Type | ${mdEscape(cleanText(f.type))} |`);
  out.push(`| Severity | ${f.severity.label} (${f.severity.score}/100) |`);
  out.push(`| Account / region | ${f.account} / ${mdEscape(f.region)} |`);
  for (const r of f.resources.slice(0, 5)) out.push(`| Resource | ${mdEscape(r.type)} ${mdEscape(cleanText(r.id))} |`);
  out.push(`| Seen | ${f.count} time(s), ${f.firstSeen} to ${f.lastSeen} |`);
  out.push(`| Analysis | ${mdEscape(provenance(a))} |`);
  out.push('', '### What happened', '', mdEscape(a.summary), '', '### Why it matters', '', mdEscape(a.impact));
  if (a.falsePositives.length > 0) {
    out.push('', '### Could it be benign?', '');
    for (const fp of a.falsePositives) out.push(`- ${mdEscape(fp)}`);
  }
  out.push('', '### Steps', '');
  a.steps.forEach((s, i) => {
    out.push(`${i + 1}. **${mdEscape(s.title)}** (${s.phase}): ${mdEscape(s.detail)}`);
    for (const cmd of s.commands) out.push('', fence(cmd, 'sh').replace(/^/gm, '   '));
  });
  if (a.iac?.note !== undefined) out.push('', '### Fix as code', '', mdEscape(a.iac.note));
  if (a.iac?.terraform !== undefined) out.push('', '### Fix as code: Terraform', '', fence(a.iac.terraform, 'hcl'));
  if (a.iac?.cloudformation !== undefined) out.push('', '### Fix as code: CloudFormation', '', fence(a.iac.cloudformation, 'yaml'));
  out.push('', '### Proposed actions', '');
  if (a.actions.length === 0) out.push('None: follow the steps above.');
  for (const act of a.actions) out.push(`- \`${act.action}\` on \`${act.target}\` (${act.risk}): ${mdEscape(act.reason)}`);
  for (const r of a.rejected ?? []) out.push(`- dropped: \`${mdEscape(r.action)}\` on \`${mdEscape(r.target)}\`: ${mdEscape(r.reason)}`);
  if (a.references.length > 0) {
    out.push('', '### References', '');
    for (const ref of a.references) out.push(`- <${ref}>`);
  }
  return `${out.join('\n')}\n\n`;
}

/** The report's closing line. */
export function markdownSummary(stats: TriageStats): string {
  return `---\n\n${stats.findings} finding(s) from ${stats.records} record(s), ${stats.rejected} rejected.\n`;
}
