/**
 * The analysis of a finding that reports its own resolution (a passed check, a resolved or
 * suppressed workflow, an archived record): it says what was resolved and proposes nothing.
 * No model is asked, whatever the analyst: there is nothing left to explain or do.
 */
import type { Finding } from '../findings/model.js';
import { loadCatalog } from './playbooks/catalog.js';
import { cleanText, consoleUrl } from './playbooks/render.js';
import type { Analysis } from './types.js';

/** The analysis of a resolved finding; `finding.resolved` holds the reason. */
export function resolvedAnalysis(finding: Finding): Analysis {
  const reason = finding.resolved ?? 'the finding reports itself resolved';
  const resource = finding.resources[0];
  const what = resource === undefined ? '' : ` about ${resource.type} ${cleanText(resource.id)}`;
  const playbook = loadCatalog().resolve(finding);
  return {
    analyst: 'playbook',
    playbookId: playbook?.id ?? null,
    status: 'resolved',
    statusReason: reason,
    summary: `Resolved: ${finding.product} reports ${cleanText(finding.type)}${what} in account ${finding.account}, ${finding.region} as resolved: ${cleanText(reason)}. "${cleanText(finding.title)}" is no longer a live problem.`,
    impact: 'None now. Nothing needs to be done; any open alert for this finding is closed.',
    falsePositives: [],
    steps: [
      {
        phase: 'investigate',
        title: 'Nothing to do: confirm the resolution if you want to',
        detail: `Open ${consoleUrl(finding)} to see the finding's current state (last seen ${finding.lastSeen}). If it fails again, firebreak alerts again.`,
        commands: [],
      },
    ],
    actions: [],
    references: playbook === undefined ? [] : [...playbook.references],
    mitre: [],
    confidence: 1,
  };
}
