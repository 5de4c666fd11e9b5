import { describe, expect, it } from 'vitest';
import { PlaybookAnalyst } from '../../src/analysis/playbooks/analyst.js';
import { emailDraft } from '../../src/notify/draft.js';
import { controlSample, gdFinding } from '../analysis/llm/support.js';

const playbooks = new PlaybookAnalyst();

describe('e-mail draft', () => {
  it('is the original design: subject, greeting, summary, steps, signature', () => {
    const f = gdFinding('UnauthorizedAccess:EC2/SSHBruteForce');
    const a = playbooks.analyzeSync(f);
    const { subject, body } = emailDraft(f, a, { recipientName: 'Dana' });
    expect(subject).toBe(`[firebreak] MEDIUM: UnauthorizedAccess:EC2/SSHBruteForce activity involving EC2 instance ${f.resources[0]?.ids.instanceId} (${f.account}, ${f.region})`);
    const lines = body.split('\n');
    expect(lines[0]).toBe('Hello Dana,');
    expect(lines[2]).toBe(a.summary);
    expect(body).toContain('Troubleshooting steps:\n  1. Check whether any login succeeded:');
    expect(body).toContain(`ec2:block-ip-nacl on ${f.resources[0]?.ids.remoteIp}`);
    expect(body).toContain('https://us-east-1.console.aws.amazon.com/guardduty/home');
    expect(body.trimEnd().endsWith('Best regards,\nYour Friendly Troubleshooter')).toBe(true);
  });

  it('carries the Terraform fix with its indentation when there is one', () => {
    const f = controlSample('EC2.18');
    const { body } = emailDraft(f, playbooks.analyzeSync(f));
    expect(body).toMatch(/Fix as code \(Terraform\):\n[a-z]/);
    expect(body).toMatch(/\n {2}\w+\s+= /);
  });
});
