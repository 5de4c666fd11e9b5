/**
 * The view a message template sees: everything a person needs to act on one finding (or a digest
 * of several), flattened into plain values. Finding text is untrusted: every string here has
 * control and bidi characters removed, a length cap, and secrets replaced by `[redacted]` before
 * any template or channel sees it. Escaping for the target format (HTML, Slack mrkdwn, ...) is the
 * template engine's job.
 */
import { redactSecrets } from '../analysis/llm/redact.js';
import { cleanBlock, cleanText, consoleUrl } from '../analysis/playbooks/render.js';
import type { Analysis } from '../analysis/types.js';
import type { Finding, SeverityLabel } from '../findings/model.js';
import { type ActionNote, undecidedNote } from '../response/stage.js';
import type { ResponseMode } from '../routing/config.js';

/** How the route treats proposed actions (the routing configuration's type). */
export type { ResponseMode };

/** What a message is: the first alert, an update of one already sent, or a digest. */
export type MessageKind = 'alert' | 'update' | 'digest';

/** Facts about an update of a finding already notified. */
export interface UpdateFacts {
  previousSeverity: SeverityLabel;
  previousCount: number;
  /** The thread was closed by a resolved update and the finding is live again. */
  reopened?: boolean;
}

/** Per-message context the finding itself does not carry. */
export interface ViewContext {
  /** Account id to display name, from the configuration. */
  accountAliases?: Readonly<Record<string, string>>;
  mode?: ResponseMode;
  recipientName?: string;
  update?: UpdateFacts;
  /** Route that selected the finding, when routes are configured. */
  route?: string;
  /** What the response stage made of each proposed action (plan, execution, commands). */
  actions?: readonly ActionNote[];
}

const SEVERITY_STYLE: Record<SeverityLabel, { color: string; emoji: string; teams: string; pagerduty: string }> = {
  CRITICAL: { color: '#7b1fa2', emoji: ':rotating_light:', teams: 'attention', pagerduty: 'critical' },
  HIGH: { color: '#d32f2f', emoji: ':red_circle:', teams: 'attention', pagerduty: 'error' },
  MEDIUM: { color: '#f57c00', emoji: ':large_orange_circle:', teams: 'warning', pagerduty: 'warning' },
  LOW: { color: '#1976d2', emoji: ':large_blue_circle:', teams: 'accent', pagerduty: 'info' },
  INFORMATIONAL: { color: '#607d8b', emoji: ':white_circle:', teams: 'default', pagerduty: 'info' },
};

const RANK: Record<SeverityLabel, number> = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3, CRITICAL: 4 };

/** Severity order, lowest 0. */
export function severityRank(label: SeverityLabel): number {
  return RANK[label];
}

/** Cleaned, secret-free, capped text. */
export function safe(text: string | undefined, max = 2000): string {
  return cleanText(redactSecrets(text ?? ''), max);
}

/** Cleaned, secret-free multi-line text (commands, IaC): lines and indentation kept. */
function safeBlock(text: string, max = 20_000): string {
  const lines = redactSecrets(text).split('\n').map((l) => cleanBlock(l).slice(0, 500));
  const out = lines.join('\n').trimEnd();
  return out.length <= max ? out : `${out.slice(0, max - 1)}…`;
}

/** One proposed action in a message, with what the response stage made of it (by the mode alone without one). */
function actionView(a: Analysis['actions'][number], mode: ResponseMode, decided: ActionNote | undefined): FindingView['actions'][number] {
  const note = decided ?? undecidedNote(a.action, a.target, mode);
  const command = safe(note.command, 600);
  return {
    action: a.action,
    target: safe(a.target, 300),
    risk: a.risk,
    reason: safe(a.reason, 300),
    approval: safe(note.status, 600),
    state: note.state,
    plan: safe(note.plan, 600),
    hasPlan: note.plan !== '',
    command,
    hasCommand: command !== '',
    commandLabel: note.state === 'executed' ? 'To roll back' : 'To approve',
    execution: note.execution ?? '',
  };
}

/** The view of one finding. */
export interface FindingView {
  kind: MessageKind;
  severity: SeverityLabel;
  severityTitle: string;
  score: number;
  color: string;
  emoji: string;
  teamsColor: string;
  pagerdutySeverity: string;
  title: string;
  type: string;
  source: string;
  product: string;
  account: string;
  accountAlias: string;
  accountLabel: string;
  region: string;
  resourceType: string;
  /** The short id people use (instance id, bucket name, access key id), else the resource id. */
  resourceId: string;
  /** The resource's full id as the finding gives it (usually an ARN). */
  resourceArn: string;
  resources: { type: string; id: string }[];
  summary: string;
  impact: string;
  falsePositives: string[];
  hasFalsePositives: boolean;
  steps: { number: number; phase: string; title: string; detail: string; commands: string[]; hasCommands: boolean; commandBlock: string }[];
  hasSteps: boolean;
  terraform: string;
  cloudformation: string;
  /** Why a snippet is missing (CloudFormation has no resource for it). */
  iacNote: string;
  hasIac: boolean;
  /**
   * Proposed actions: `approval` is what became of each (awaiting approval, executed, refused, with
   * the reason), `plan` what it changes, `command` how to approve it or roll it back.
   */
  actions: { action: string; target: string; risk: string; reason: string; approval: string; state: string; plan: string; hasPlan: boolean; command: string; hasCommand: boolean; commandLabel: string; execution: string }[];
  hasActions: boolean;
  mode: ResponseMode;
  references: string[];
  hasReferences: boolean;
  mitre: string;
  consoleUrl: string;
  findingId: string;
  fingerprint: string;
  shortFingerprint: string;
  count: number;
  firstSeen: string;
  lastSeen: string;
  playbookId: string;
  analyst: string;
  recipientName: string;
  route: string;
  escalated: boolean;
  /** The finding reports its own resolution: this message closes its thread. */
  resolved: boolean;
  resolvedReason: string;
  previousSeverity: string;
  previousCount: number;
  updateLine: string;
  oneLine: string;
}

/** Builds the view of `finding` as explained by `analysis`. */
export function findingView(finding: Finding, analysis: Analysis, ctx: ViewContext = {}, kind: MessageKind = 'alert'): FindingView {
  const style = SEVERITY_STYLE[finding.severity.label];
  const alias = safe(ctx.accountAliases?.[finding.account] ?? '', 64);
  const primary = finding.resources[0];
  const mode = ctx.mode ?? 'propose';
  const steps = analysis.steps.map((s, i) => {
    const commands = s.commands.map((c) => safeBlock(c, 4000));
    return { number: i + 1, phase: s.phase, title: safe(s.title, 200), detail: safe(s.detail, 1500), commands, hasCommands: commands.length > 0, commandBlock: commands.join('\n') };
  });
  const update = ctx.update;
  const escalated = update !== undefined && RANK[finding.severity.label] > RANK[update.previousSeverity];
  const type = safe(finding.type, 200);
  // The id people use (i-..., the bucket, the key id) rather than the ARN, when the finding has it.
  const ids = primary?.ids;
  const resourceId = safe(ids?.instanceId ?? ids?.bucketName ?? ids?.accessKeyId ?? ids?.principalName ?? primary?.id ?? '', 300);
  let updateLine = '';
  const resolved = finding.resolved !== undefined;
  const resolvedReason = resolved ? safe(finding.resolved, 300) : '';
  if (resolved) {
    updateLine = `Resolved: ${resolvedReason}. No action needed.`;
  } else if (update !== undefined) {
    const seen = `seen ${finding.count} time${finding.count === 1 ? '' : 's'}, last ${finding.lastSeen}`;
    if (update.reopened === true) updateLine = `Reopened: active again after it was resolved; ${seen}.`;
    else updateLine = escalated ? `Escalated from ${update.previousSeverity} to ${finding.severity.label}; ${seen}.` : `Still active: ${seen} (was ${update.previousCount} when first notified).`;
  }
  const accountLabel = alias === '' ? finding.account : `${alias} (${finding.account})`;
  return {
    kind,
    severity: finding.severity.label,
    severityTitle: finding.severity.label.charAt(0) + finding.severity.label.slice(1).toLowerCase(),
    score: finding.severity.score,
    color: style.color,
    emoji: resolved ? ':white_check_mark:' : style.emoji,
    teamsColor: style.teams,
    pagerdutySeverity: style.pagerduty,
    title: safe(finding.title, 250).replace(/[.\s]+$/, ''),
    type,
    source: finding.source,
    product: safe(finding.product, 100),
    account: finding.account,
    accountAlias: alias,
    accountLabel,
    region: safe(finding.region, 40),
    resourceType: safe(primary?.type ?? '', 100),
    resourceId,
    resourceArn: safe(primary?.id ?? '', 300),
    resources: finding.resources.slice(0, 10).map((r) => ({ type: safe(r.type, 100), id: safe(r.id, 300) })),
    summary: safe(analysis.summary, 3000),
    impact: safe(analysis.impact, 2000),
    falsePositives: analysis.falsePositives.map((f) => safe(f, 500)),
    hasFalsePositives: analysis.falsePositives.length > 0,
    steps,
    hasSteps: steps.length > 0,
    terraform: analysis.iac?.terraform === undefined ? '' : safeBlock(analysis.iac.terraform),
    cloudformation: analysis.iac?.cloudformation === undefined ? '' : safeBlock(analysis.iac.cloudformation),
    iacNote: safe(analysis.iac?.note, 400),
    hasIac: analysis.iac?.terraform !== undefined || analysis.iac?.cloudformation !== undefined,
    actions: analysis.actions.map((a) => actionView(a, mode, ctx.actions?.find((n) => n.action === a.action && n.target === a.target))),
    hasActions: analysis.actions.length > 0,
    mode,
    references: analysis.references.map((r) => safe(r, 500)),
    hasReferences: analysis.references.length > 0,
    mitre: analysis.mitre.join(', '),
    consoleUrl: consoleUrl(finding),
    findingId: safe(finding.id, 512),
    fingerprint: finding.fingerprint,
    shortFingerprint: finding.fingerprint.slice(0, 12),
    count: finding.count,
    firstSeen: finding.firstSeen,
    lastSeen: finding.lastSeen,
    playbookId: analysis.playbookId ?? '',
    analyst: analysis.analyst,
    recipientName: safe(ctx.recipientName ?? 'team', 80),
    route: safe(ctx.route ?? '', 100),
    escalated,
    resolved,
    resolvedReason,
    previousSeverity: update?.previousSeverity ?? '',
    previousCount: update?.previousCount ?? 0,
    updateLine,
    oneLine: `${finding.severity.label} ${type}${resourceId === '' ? '' : ` on ${resourceId}`} in ${accountLabel} ${finding.region}`,
  };
}

/** The view of a digest: one message listing several findings. */
export interface DigestView {
  kind: 'digest';
  schedule: string;
  period: string;
  total: number;
  counts: { severity: string; count: number }[];
  items: FindingView[];
  more: number;
  hasMore: boolean;
  title: string;
}

/** Builds a digest view; at most `limit` findings are listed, the rest counted. */
export function digestView(items: FindingView[], schedule: string, period: string, limit = 50): DigestView {
  const sorted = [...items].sort((a, b) => RANK[b.severity as SeverityLabel] - RANK[a.severity as SeverityLabel] || a.title.localeCompare(b.title));
  const counts = (Object.keys(RANK) as SeverityLabel[])
    .reverse()
    .map((severity) => ({ severity: severity as string, count: items.filter((i) => i.severity === severity).length }))
    .filter((c) => c.count > 0);
  const shown = sorted.slice(0, limit);
  return {
    kind: 'digest',
    schedule,
    period,
    total: items.length,
    counts,
    items: shown,
    more: items.length - shown.length,
    hasMore: items.length > shown.length,
    title: `${schedule === 'hourly' ? 'Hourly' : 'Daily'} security digest: ${items.length} finding${items.length === 1 ? '' : 's'} (${period})`,
  };
}
