import { describe, expect, it } from 'vitest';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { emailDraft, SLACK_TEXT_LIMIT, slackSummary } from '../../src/analysis/styles.js';
import { controlSample, gdFinding } from './llm/support.js';

const playbooks = new PlaybookAnalyst();

describe('output styles', () => {
  it('writes the e-mail draft of the original design: subject, greeting, summary, steps, signature', () => {
    const f = gdFinding('UnauthorizedAccess:EC2/SSHBruteForce');
    const a = playbooks.analyzeSync(f);
    const { subject, body } = emailDraft(f, a, 'Dana');
    expect(subject).toBe(`[firebreak] MEDIUM: UnauthorizedAccess:EC2/SSHBruteForce activity involving EC2 instance ${f.resources[0]?.ids.instanceId} (${f.account}, ${f.region})`);
    const lines = body.split('\n');
    expect(lines[0]).toBe('Hello Dana,');
    expect(lines[2]).toBe(a.summary);
    expect(body).toContain('Troubleshooting steps:\n  1. Check whether any login succeeded:');
    expect(body).toContain(`ec2:block-ip-nacl on ${f.resources[0]?.ids.remoteIp}`);
    expect(body).toContain('https://us-east-1.console.aws.amazon.com/guardduty/home');
    expect(body.trimEnd().endsWith('Best regards,\nYour Friendly Troubleshooter')).toBe(true);
  });

  it('puts the Terraform fix into the draft when there is one', () => {
    const f = controlSample('EC2.18');
    expect(emailDraft(f, playbooks.analyzeSync(f)).body).toContain('Fix as code (Terraform):\n    ');
  });

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
