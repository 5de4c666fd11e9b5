import { describe, expect, it } from 'vitest';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { SLACK_TEXT_LIMIT, slackSummary } from '../../src/analysis/styles.js';
import { gdFinding } from './llm/support.js';

const playbooks = new PlaybookAnalyst();

describe('output styles', () => {
  it('keeps the Slack summary within one section block and escapes finding text', () => {
    const f = gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS');
    const a = { ...playbooks.analyzeSync(f), summary: `<!channel> & ${'x'.repeat(5000)}` };
    const text = slackSummary(f, a);
    expect(text.length).toBeLessThanOrEqual(SLACK_TEXT_LIMIT);
    expect(text).toContain('&lt;!channel&gt; &amp; ');
    expect(text).not.toContain('<!channel>');
    expect(text.startsWith('*HIGH* `CryptoCurrency:EC2/BitcoinTool.B!DNS`')).toBe(true);
    expect(text).toMatch(/<https:\/\/us-east-1\.console\.aws\.amazon\.com\/guardduty\/[^|]+\|Open in the AWS console>$/);
  });
});
