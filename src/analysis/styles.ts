/**
 * Output styles rendered from an analysis, whoever wrote it: the e-mail draft of the original
 * design (subject, greeting, summary, troubleshooting steps, signed by a friendly troubleshooter)
 * and a Slack-sized summary. One validated answer serves every style, so styles cost no model call.
 */
import type { Finding } from '../findings/model.js';
import { cleanText, consoleUrl } from './playbooks/render.js';
import type { Analysis } from './types.js';

export const STYLES = ['standard', 'email-draft', 'slack'] as const;
export type Style = (typeof STYLES)[number];

/** Slack's limit for the text of one section block. */
export const SLACK_TEXT_LIMIT = 3000;

/** The subject line of a message about `finding`. */
export function subjectLine(finding: Finding): string {
  return cleanText(`[firebreak] ${finding.severity.label}: ${cleanText(finding.title, 150).replace(/[.\s]+$/, '')} (${finding.account}, ${finding.region})`, 200);
}

/** The e-mail draft: a subject line and a plain-text body. */
export function emailDraft(finding: Finding, analysis: Analysis, recipient = 'team'): { subject: string; body: string } {
  const lines: string[] = [`Hello ${cleanText(recipient, 80)},`, '', analysis.summary, '', `Why it matters: ${analysis.impact}`];
  if (analysis.falsePositives.length > 0) lines.push('', 'It may be harmless if:', ...analysis.falsePositives.map((f) => `  - ${f}`));
  lines.push('', 'Troubleshooting steps:');
  analysis.steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.title}: ${s.detail}`);
    for (const c of s.commands) lines.push(`       ${c}`);
  });
  if (analysis.actions.length > 0) {
    lines.push('', 'Proposed actions (nothing runs until someone approves):');
    for (const a of analysis.actions) lines.push(`  - ${a.action} on ${a.target} (${a.risk}): ${a.reason}`);
  }
  if (analysis.iac?.terraform !== undefined) lines.push('', 'Fix as code (Terraform):', ...analysis.iac.terraform.trimEnd().split('\n').map((l) => `    ${l}`));
  else if (analysis.iac?.cloudformation !== undefined) lines.push('', 'Fix as code (CloudFormation):', ...analysis.iac.cloudformation.trimEnd().split('\n').map((l) => `    ${l}`));
  lines.push('', `Finding: ${finding.type}, ${finding.severity.label}, account ${finding.account}, ${finding.region}`, `Open it in the AWS console: ${consoleUrl(finding)}`, '', 'Best regards,', 'Your Friendly Troubleshooter');
  return { subject: subjectLine(finding), body: `${lines.join('\n')}\n` };
}

/** A Slack-sized summary in Slack mrkdwn, at most `SLACK_TEXT_LIMIT` characters. */
export function slackSummary(finding: Finding, analysis: Analysis): string {
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const head = `*${finding.severity.label}* \`${esc(cleanText(finding.type, 120))}\` in ${finding.account} / ${esc(finding.region)}`;
  const parts = [head, esc(cleanText(analysis.summary, 700))];
  const steps = analysis.steps.slice(0, 4).map((s, i) => `${i + 1}. ${esc(cleanText(s.title, 150))}`);
  if (steps.length > 0) parts.push(`*Next steps*\n${steps.join('\n')}${analysis.steps.length > 4 ? `\n…and ${analysis.steps.length - 4} more` : ''}`);
  if (analysis.actions.length > 0) parts.push(`*Proposed* (needs approval): ${analysis.actions.slice(0, 3).map((a) => `\`${a.action}\` → \`${esc(a.target)}\``).join(', ')}`);
  parts.push(`<${consoleUrl(finding)}|Open in the AWS console>`);
  const text = parts.join('\n\n');
  return text.length <= SLACK_TEXT_LIMIT ? text : `${text.slice(0, SLACK_TEXT_LIMIT - 1)}…`;
}
