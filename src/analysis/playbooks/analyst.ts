/**
 * The offline playbook analyst: deterministic, no network. A finding covered by the catalog gets
 * its playbook rendered with the finding's own fields; any other finding gets a generic analysis
 * built from its title, description and remediation link, with `playbookId: null`.
 */
import type { Finding } from '../../findings/model.js';
import { getAction } from '../../response/registry.js';
import { resolvedAnalysis } from '../resolved.js';
import type { Analysis, Analyst, ProposedAction, Step } from '../types.js';
import { type Catalog, loadCatalog } from './catalog.js';
import { knownControl } from './coverage.js';
import { FindingValues, cleanText, consoleUrl, findHints, renderValues, shellQuote } from './render.js';
import type { Playbook } from './schema.js';

/** The proposed actions of a playbook, one per structured target the finding carries. */
export function proposeActions(pb: Playbook, finding: Finding): ProposedAction[] {
  const out: ProposedAction[] = [];
  const seen = new Set<string>();
  for (const spec of pb.actions) {
    const def = getAction(spec.action);
    const direction = finding.details.connectionDirection;
    if (spec.when?.connectionDirection !== undefined && !spec.when.connectionDirection.some((d) => d === direction)) continue;
    if (spec.when?.resourceType !== undefined && !spec.when.resourceType.includes(finding.resources[0]?.type ?? '')) continue;
    const targets: string[] = [];
    if (def.target === 'account') targets.push(finding.account);
    for (const r of finding.resources) {
      const v = r.ids[def.target];
      if (v === undefined) continue;
      const types = spec.when?.principalType;
      if (types !== undefined && !types.some((t) => t === r.ids.principalType)) continue;
      targets.push(...(Array.isArray(v) ? v : [v]));
    }
    for (const target of targets) {
      const key = `${def.name}\u0000${target}`;
      if (seen.has(key) || !def.targetPattern.test(target)) continue;
      seen.add(key);
      out.push({ action: def.name, target, risk: def.risk, reason: spec.reason });
    }
  }
  return out;
}

/**
 * A playbook's references, led by the Security Hub guide's entry for the finding's own control
 * when the playbook covers several (a family cites each control's entry this way).
 */
function referencesOf(pb: Playbook, finding: Finding): string[] {
  const own = pb.match.controls.includes(finding.type) ? knownControl(finding.type)?.docUrl : undefined;
  return own === undefined || pb.references.includes(own) ? [...pb.references] : [own, ...pb.references];
}

/** Renders a playbook for one finding. */
export function renderPlaybook(pb: Playbook, finding: Finding): Analysis {
  const values = new FindingValues(finding);
  // A step whose title, or a command, is wholly conditional is left out when its condition fails.
  const steps: Step[] = pb.steps
    .map((s) => {
      const commands = s.commands.map((c) => renderValues(c, values, 'shell').trim()).filter((c) => c !== '');
      const detail = [renderValues(s.detail, values, 'text').trim(), ...findHints(commands)].filter((t) => t !== '').join(' ');
      return { phase: s.phase, title: renderValues(s.title, values, 'text').trim(), detail, commands };
    })
    .filter((s) => s.title !== '');
  const analysis: Analysis = {
    analyst: 'playbook',
    playbookId: pb.id,
    summary: renderValues(pb.summary, values, 'text').trim(),
    impact: renderValues(pb.impact, values, 'text').trim(),
    falsePositives: pb.falsePositives.map((t) => renderValues(t, values, 'text').trim()),
    steps,
    actions: proposeActions(pb, finding),
    references: referencesOf(pb, finding),
    mitre: [...pb.mitre],
    confidence: 0.9,
  };
  if (pb.iac !== undefined) {
    analysis.iac = {};
    if (pb.iac.terraform !== undefined) analysis.iac.terraform = renderValues(pb.iac.terraform, values, 'hcl');
    if (pb.iac.cloudformation !== undefined) analysis.iac.cloudformation = renderValues(pb.iac.cloudformation, values, 'yaml');
    if (pb.iac.note !== undefined) analysis.iac.note = renderValues(pb.iac.note, values, 'text');
  }
  return analysis;
}

/** A useful analysis for a finding no playbook covers, from its own title, description and links. */
export function genericAnalysis(finding: Finding): Analysis {
  const resource = finding.resources[0];
  const what = resource === undefined ? 'a resource' : `${resource.type} ${cleanText(resource.id)}`;
  const description = cleanText(finding.description, 1000);
  const steps: Step[] = [
    {
      phase: 'investigate',
      title: 'Read the finding in the AWS console',
      detail: `Open ${consoleUrl(finding)} and review the affected resource, the evidence and the timeline (first seen ${finding.firstSeen}, last seen ${finding.lastSeen}, seen ${finding.count} time(s)).`,
      commands: [],
    },
  ];
  if (finding.source === 'securityhub') {
    steps[0]?.commands.push(
      `aws securityhub get-findings --region ${shellQuote(finding.region)} --filters ${shellQuote(JSON.stringify({ Id: [{ Value: finding.id, Comparison: 'EQUALS' }] }))}`,
    );
  }
  const rec = finding.remediation;
  if (rec?.text !== undefined || rec?.url !== undefined) {
    steps.push({
      phase: 'remediate',
      title: 'Follow the product’s remediation guidance',
      detail: [rec.text === undefined ? '' : cleanText(rec.text, 1000), rec.url === undefined ? '' : `See ${cleanText(rec.url, 2048)}.`].filter((s) => s !== '').join(' '),
      commands: [],
    });
  }
  steps.push({
    phase: 'remediate',
    title: 'Decide and record the outcome',
    detail: 'If the activity is expected, document why and suppress or archive the finding; otherwise fix the configuration or contain the resource, then confirm the finding resolves.',
    commands: [],
  });
  return {
    analyst: 'playbook',
    playbookId: null,
    summary: `${finding.product} reported "${cleanText(finding.title)}" (${finding.type}) about ${what} in account ${finding.account}, ${finding.region}.${description === '' ? '' : ` ${description}`}`,
    impact: `${finding.product} rates this ${finding.severity.label} (${finding.severity.score}/100). firebreak has no playbook for ${cleanText(finding.type)} yet, so this analysis is built from the finding itself.`,
    falsePositives: [],
    steps,
    actions: [],
    references: rec?.url !== undefined && /^https:\/\/[^\s<>"`]+$/.test(rec.url) ? [rec.url] : [],
    mitre: [],
    confidence: 0.3,
  };
}

/** The playbook analyst over a catalog (the bundled one by default). */
export class PlaybookAnalyst implements Analyst {
  readonly name = 'playbook' as const;
  readonly catalog: Catalog;

  constructor(catalog: Catalog = loadCatalog()) {
    this.catalog = catalog;
  }

  /** Synchronous analysis, for callers that need no promise. */
  analyzeSync(finding: Finding): Analysis {
    if (finding.resolved !== undefined) return resolvedAnalysis(finding);
    const pb = this.catalog.resolve(finding);
    return pb === undefined ? genericAnalysis(finding) : renderPlaybook(pb, finding);
  }

  analyze(finding: Finding): Promise<Analysis> {
    return Promise.resolve(this.analyzeSync(finding));
  }
}
