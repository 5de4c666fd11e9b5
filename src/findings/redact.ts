/**
 * Secrets in a finding are replaced by `[redacted]` as soon as it is read, so no later stage
 * (analysis, output, messages, prompts, the store) ever holds one. Every text a person or a model
 * will see is covered: title, description, type, resource ids and tags, details, remediation, the
 * custom action. The finding's id and fingerprint are left as they are (they name the finding, and
 * the fingerprint was computed from the original); `raw` is the record as received and is never
 * printed.
 */
import { maySecret, redactSecrets } from '../util/secrets.js';
import type { Finding } from './model.js';

function ids(values: Finding['resources'][number]['ids']): void {
  for (const [k, v] of Object.entries(values)) {
    if (typeof v === 'string') values[k] = redactSecrets(v);
    else if (Array.isArray(v)) values[k] = v.map(redactSecrets);
  }
}

/** Every text of a finding that is shown, in one string for one cheap test. */
function allText(finding: Finding): string {
  const parts = [finding.title, finding.description, finding.type];
  for (const r of finding.resources) {
    parts.push(r.id, r.type);
    for (const v of Object.values(r.tags)) parts.push(v);
    for (const v of Object.values(r.ids)) if (v !== undefined) parts.push(typeof v === 'string' ? v : v.join('\n'));
  }
  for (const v of Object.values(finding.details)) if (typeof v === 'string') parts.push(v);
  if (finding.remediation !== undefined) parts.push(finding.remediation.text ?? '', finding.remediation.url ?? '');
  if (finding.customAction?.description !== undefined) parts.push(finding.customAction.description);
  return parts.join('\n');
}

/** Redacts, in place, every secret in the text fields of `finding`. */
export function redactFinding(finding: Finding): Finding {
  // Most findings hold no secret: one test over all their text settles it.
  if (!maySecret(allText(finding))) return finding;
  finding.title = redactSecrets(finding.title);
  finding.description = redactSecrets(finding.description);
  finding.type = redactSecrets(finding.type);
  for (const r of finding.resources) {
    r.id = redactSecrets(r.id);
    r.type = redactSecrets(r.type);
    for (const [k, v] of Object.entries(r.tags)) r.tags[k] = redactSecrets(v);
    ids(r.ids);
  }
  for (const [k, v] of Object.entries(finding.details)) if (typeof v === 'string') finding.details[k] = redactSecrets(v);
  if (finding.remediation?.text !== undefined) finding.remediation.text = redactSecrets(finding.remediation.text);
  if (finding.remediation?.url !== undefined) finding.remediation.url = redactSecrets(finding.remediation.url);
  if (finding.customAction?.description !== undefined) finding.customAction.description = redactSecrets(finding.customAction.description);
  return finding;
}
