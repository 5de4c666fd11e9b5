import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Public AWS sample events kept in the repository (`test/fixtures/aws`), each with its source notes. */
export const FIXTURES = fileURLToPath(new URL('../fixtures/aws/', import.meta.url));

/** Public lists of every GuardDuty finding type and Security Hub control (`test/fixtures/catalog`). */
export const CATALOG_LISTS = fileURLToPath(new URL('../fixtures/catalog/', import.meta.url));

/** Reads a fixture as text. */
export function fixtureText(name: string): string {
  return readFileSync(FIXTURES + name, 'utf8');
}

/** Parses a fixture; the consolidated CloudTrail.2 sample is repaired as its notes describe. */
export function fixture(name: string): Record<string, unknown> {
  let text = fixtureText(name);
  if (name === 'securityhub-asff-control-finding-consolidated-CloudTrail.2.json') {
    // As published: a comma is missing after "ProductFields" (documented), and the
    // AssociatedStandards list ends with a trailing comma.
    text = text.replace(/("aws\/securityhub\/FindingId": "[^"]+"\n {2}})\n/, '$1,\n').replace(/},\s*\]/, '}\n    ]');
  }
  return JSON.parse(text) as Record<string, unknown>;
}

/** Wraps a GuardDuty finding in the EventBridge envelope AWS documents for `GuardDuty Finding`. */
export function guardDutyEvent(detail: unknown): Record<string, unknown> {
  const template = fixtureText('guardduty-finding-eventbridge-envelope.template.json');
  return JSON.parse(template.replace('{GUARDDUTY_FINDING_JSON_OBJECT}', JSON.stringify(detail))) as Record<string, unknown>;
}

/** Wraps ASFF findings in a `Security Hub Findings - Imported` event. */
export function securityHubEvent(findings: unknown[]): Record<string, unknown> {
  return {
    version: '0',
    id: '8e5622f9-d81c-4d81-612a-9319e7ee2506',
    'detail-type': 'Security Hub Findings - Imported',
    source: 'aws.securityhub',
    account: '123456789012',
    time: '2024-01-01T00:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: { findings },
  };
}
