/**
 * The e-mail draft of the original design, rendered from the same templates as the e-mail channel
 * (`email/alert-email-draft.*`), for `triage --style email-draft`.
 */
import type { Analysis } from '../analysis/types.js';
import type { Finding } from '../findings/model.js';
import { plain, Templates } from './template.js';
import { findingView, type ViewContext } from './view.js';

/** The draft's subject line and plain-text body. */
export function emailDraft(finding: Finding, analysis: Analysis, context: ViewContext = {}, templates = new Templates()): { subject: string; body: string } {
  const view = findingView(finding, analysis, context);
  return {
    subject: templates.text('email', 'alert-email-draft', 'subject', view, plain).replace(/\s+/g, ' ').trim(),
    body: templates.text('email', 'alert-email-draft', 'txt', view, plain),
  };
}
