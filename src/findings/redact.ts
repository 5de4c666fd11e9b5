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

/** Replaces each text of `finding` that is shown with `map(text)`, writing only what changed. */
function mapTexts(finding: Finding, map: (text: string) => string): void {
  const strings = (holder: Record<string, unknown>): void => {
    for (const k of Object.keys(holder)) {
      const v = holder[k];
      if (typeof v === 'string') {
        const m = map(v);
        if (m !== v) holder[k] = m;
      } else if (Array.isArray(v)) {
        const m = v.map((x: unknown) => (typeof x === 'string' ? map(x) : x));
        if (m.some((x, i) => x !== v[i])) holder[k] = m;
      }
    }
  };
  finding.title = map(finding.title);
  finding.description = map(finding.description);
  finding.type = map(finding.type);
  for (const r of finding.resources) {
    r.id = map(r.id);
    r.type = map(r.type);
    strings(r.tags);
    strings(r.ids);
  }
  strings(finding.details);
  if (finding.remediation !== undefined) strings(finding.remediation);
  if (finding.customAction?.description !== undefined) finding.customAction.description = map(finding.customAction.description);
}

/** Redacts, in place, every secret in the text fields of `finding`. */
export function redactFinding(finding: Finding): Finding {
  // Most findings hold no secret: one test over all their text settles it.
  const texts: string[] = [];
  mapTexts(finding, (t) => {
    texts.push(t);
    return t;
  });
  if (maySecret(texts.join('\n'))) mapTexts(finding, redactSecrets);
  return finding;
}
