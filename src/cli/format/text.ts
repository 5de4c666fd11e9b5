/** `--format text`: a report for people in a terminal. Colour only when stdout is a TTY. */
import { createColors } from 'picocolors';
import { cleanText } from '../../analysis/playbooks/render.js';
import type { SeverityLabel } from '../../findings/model.js';
import type { TriageResult, TriageStats } from '../../pipeline.js';
import { provenance } from './provenance.js';
import { decisionLine } from '../routing.js';

type Colors = ReturnType<typeof createColors>;

/** Wraps `text` to `width` columns, each line prefixed with `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      out.push(indent + line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(indent + line);
  return out.join('\n');
}

/** Renders triage results as text. */
export class TextFormatter {
  private readonly c: Colors;
  private readonly width: number;

  constructor(color: boolean, width = 100) {
    this.c = createColors(color);
    this.width = Math.max(60, Math.min(width, 120));
  }

  private severity(label: SeverityLabel, score: number): string {
    const text = `${label} ${score}`;
    const { c } = this;
    if (label === 'CRITICAL') return c.bold(c.red(text));
    if (label === 'HIGH') return c.red(text);
    if (label === 'MEDIUM') return c.yellow(text);
    return c.dim(text);
  }

  /** The block for one result. */
  format(result: TriageResult): string {
    const { c, width } = this;
    if (result.kind === 'error') {
      return `${c.red('✖ rejected')} ${c.bold(result.error.code)}: ${cleanText(result.error.message, 1000)}\n`;
    }
    const { finding: f, analysis: a } = result;
    const lines: string[] = [];
    lines.push(`${c.bold('■')} ${this.severity(f.severity.label, f.severity.score)}  ${c.bold(cleanText(f.type))}  ${c.dim(`${f.account} ${f.region}`)}`);
    lines.push(wrap(cleanText(f.title, 500), width, '  '));
    if (a.status === 'resolved') lines.push(c.green(wrap(`RESOLVED: ${cleanText(a.statusReason ?? '', 500)}. No action needed.`, width, '  ')));
    const r = f.resources[0];
    if (r !== undefined) lines.push(c.dim(`  Resource: ${r.type} ${cleanText(r.id)}${f.resources.length > 1 ? ` (+${f.resources.length - 1} more)` : ''}`));
    lines.push(c.dim(`  Seen ${f.count} time(s), ${f.firstSeen} → ${f.lastSeen} · ${provenance(a)}`));
    if (result.routing !== undefined) lines.push(c.dim(`  Routing: ${cleanText(decisionLine(result.routing), 1000)}`));
    lines.push('', c.bold('  What happened'), wrap(a.summary, width, '    '));
    lines.push('', c.bold('  Why it matters'), wrap(a.impact, width, '    '));
    if (a.falsePositives.length > 0) {
      lines.push('', c.bold('  Could it be benign?'));
      for (const fp of a.falsePositives) lines.push(wrap(`- ${fp}`, width, '    '));
    }
    lines.push('', c.bold('  Steps'));
    a.steps.forEach((s, i) => {
      lines.push(`    ${i + 1}. ${c.cyan(`[${s.phase}]`)} ${c.bold(s.title)}`);
      lines.push(wrap(s.detail, width, '       '));
      for (const cmd of s.commands) lines.push(c.green(`       $ ${cmd}`));
    });
    if (a.iac !== undefined) {
      if (a.iac.note !== undefined) lines.push('', c.bold('  Fix as code'), wrap(a.iac.note, width, '    '));
      for (const [kind, code] of Object.entries(a.iac)) {
        if (typeof code !== 'string' || kind === 'note') continue;
        lines.push('', c.bold(`  Fix as code (${kind})`));
        for (const l of code.trimEnd().split('\n')) lines.push(c.dim(`    ${l}`));
      }
    }
    lines.push('', c.bold('  Proposed actions'));
    if (a.actions.length === 0) lines.push('    none: follow the steps above');
    for (const act of a.actions) lines.push(`    • ${c.bold(act.action)} → ${act.target} ${c.dim(`(${act.risk}) ${act.reason}`)}`);
    for (const r of a.rejected ?? []) lines.push(c.yellow(`    ✖ dropped ${cleanText(r.action, 64)} → ${r.target}: ${r.reason}`));
    if (a.references.length > 0) {
      lines.push('', c.bold('  References'));
      for (const ref of a.references) lines.push(`    ${ref}`);
    }
    return `${lines.join('\n')}\n\n`;
  }

  /** The closing line. */
  summary(stats: TriageStats): string {
    const { c } = this;
    const rejected = stats.rejected > 0 ? c.red(`${stats.rejected} rejected`) : '0 rejected';
    return `${c.bold(`${stats.findings} finding(s)`)} from ${stats.records} record(s), ${rejected}\n`;
  }
}
