/**
 * Output styles rendered from an analysis, whoever wrote it: the standard report, the e-mail
 * draft of the original design (rendered from the e-mail templates in `src/notify`), and the
 * Slack-sized summary below. One validated answer serves every style, so styles cost no model call.
 */
import type { Finding } from '../findings/model.js';
import { cleanText, consoleUrl } from './playbooks/render.js';
import type { Analysis } from './types.js';

export const STYLES = ['standard', 'email-draft', 'slack'] as const;
export type Style = (typeof STYLES)[number];

/** Slack's limit for the text of one section block. */
export const SLACK_TEXT_LIMIT = 3000;

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
