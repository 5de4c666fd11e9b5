import { describe, expect, it } from 'vitest';
import { buildPrompt } from '../../../src/analysis/llm/prompt.js';
import { Placeholders, redactSecrets } from '../../../src/analysis/llm/redact.js';
import { gdFinding } from './support.js';

const ALL = { personal: ['email', 'phone', 'ip'] as const };

describe('redaction', () => {
  it.each([
    ['AWS secret access key', 'key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY used', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['secret key in key=value form', 'aws_secret_access_key=abc123DEF456/ghi', 'abc123DEF456/ghi'],
    ['session token', 'AWS_SESSION_TOKEN="FwoGZXIvYXdzEJr//////////wEaDPq9example"', 'FwoGZXIvYXdzEJr//////////wEaDPq9example'],
    ['bare STS token', 'token IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQexample', 'IQoJb3JpZ2luX2VjEHcaCXVzLWVhc3QtMSJHMEUCIQexample'],
    ['password', 'login with password: hunter2!', 'hunter2!'],
    ['JSON password', '{"password":"s3cr3t value"}', 's3cr3t value'],
    ['bearer token', 'Authorization: Bearer abcdef.123456-xyz', 'abcdef.123456-xyz'],
    ['JWT', 'cookie eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlaGVyZQ', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlaGVyZQ'],
    ['private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA'],
    ['URL credentials', 'fetched https://deploy:Sup3rS3cret@git.example.com/repo', 'Sup3rS3cret'],
    ['GitHub token', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'],
    ['Slack token', 'xoxb-123456789012-abcdefghijkl', 'xoxb-123456789012-abcdefghijkl'],
    ['API key', 'api_key=sk-proj-abcdefghijklmnopqrstuvwx', 'sk-proj-abcdefghijklmnopqrstuvwx'],
    ['STS session token of the first generation', 'creds AQoDYXdzEJr1K2pM4U8tZ6FQ3uKDWh8j9kZxY2f1PnbW3GxU8L4sJYvqk5ZxQ8yUoKqD used', 'AQoDYXdzEJr1K2pM4U8tZ6FQ3uKDWh8j9kZxY2f1PnbW3GxU8L4sJYvqk5ZxQ8yUoKqD'],
    ['PGP private key block', 'key:\n-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGZ3example\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\n', 'lQOYBGZ3example'],
    ['Slack webhook URL', 'posting to https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx now', 'T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx'],
    ['Teams webhook URL', 'https://contoso.webhook.office.com/webhookb2/1234abcd-0000@tenant/IncomingWebhook/abcdef0123/ffff', '1234abcd-0000@tenant'],
    ['DB_PASSWORD assignment', 'env DB_PASSWORD=Tr0ub4dor&3 set', 'Tr0ub4dor'],
    ['*_SECRET assignment', 'export STRIPE_WEBHOOK_SECRET=whsec_abcdef123456', 'whsec_abcdef123456'],
    ['*_TOKEN assignment', 'GITLAB_DEPLOY_TOKEN: "deploy-abc-123"', 'deploy-abc-123'],
    ['--password argument', 'mysql -u root --password hunter2 -h db', 'hunter2'],
    ['--password= argument', 'psql --db-password=S3cr3t! --host x', 'S3cr3t!'],
    ['URL-encoded secret key', 'https://x.example/cb?secret=wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY&x=1', 'wJalrXUtnFEMI'],
    ['URL-encoded bare secret key', 'k=wJalrXUtnFEMI%2FK7MDENG%2FbPxRfiCYEXAMPLEKEY', 'bPxRfiCYEXAMPLEKEY'],
    ['secret key split by a word joiner', 'key wJalrXUtnFEMI/K7MDEN\u2060G/bPxRfiCYEXAMPLEKEY used', 'bPxRfiCYEXAMPLEKEY'],
    ['token split by a zero-width space', 'ghp_abcdefghij\u200bklmnopqrstuvwxyz0123456789', 'klmnopqrstuvwxyz0123456789'],
  ])('always removes a %s', (_what, text, secret) => {
    const ph = new Placeholders();
    const out = ph.redact(text, { personal: [] });
    expect(out).not.toContain(secret);
    expect(out).toMatch(/<secret(?:_\d+)?>/);
    // Secrets never come back, even when the model repeats the placeholder.
    expect(ph.restore(out)).not.toContain(secret);
    expect(ph.restore(out)).toContain('[redacted]');
  });

  it('leaves ordinary text, ids and hashes alone', () => {
    const text = 'Instance i-0abc123def4567890 called GetObject 3 times; sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 in us-east-1.';
    expect(new Placeholders().redact(text, { personal: [] })).toBe(text);
    for (const plain of [
      'The password policy requires 14 characters; rotate access keys every 90 days.',
      'Set PASSWORD_FILE=/run/secrets/db and pass --password-file to the client.',
      'The compass: north. A token expires after 3600 seconds.',
      'arn:aws:s3:::my-bucket/logs/2026/01/02/app.log?versionId=3%2Fabc',
      'https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-8',
    ]) {
      expect(redactSecrets(plain), plain).toBe(plain);
    }
  });

  it('redacts configured personal data and restores it where the model used it', () => {
    const ph = new Placeholders();
    const out = ph.redact('Contact jane.doe@example.com or +1 206-555-0100 from 192.0.2.44.', ALL);
    expect(out).toBe('Contact <email> or <phone> from <ip>.');
    expect(ph.restore('Ask <email> (<phone>) about <ip>.')).toBe('Ask jane.doe@example.com (+1 206-555-0100) about 192.0.2.44.');
    expect(new Placeholders().redact('jane.doe@example.com', { personal: [] })).toBe('jane.doe@example.com');
  });

  it('generalizes identifiers as whole words only, longest first', () => {
    const ph = new Placeholders();
    ph.add('resource', 'arn:aws:iam::123456789012:user/admin');
    ph.add('principalName', 'admin');
    expect(ph.generalize('user admin (arn:aws:iam::123456789012:user/admin) is an administrator')).toBe('user <principalName> (<resource>) is an administrator');
    expect(ph.restore('<principalName> and <unknown>', (v) => `'${v}'`)).toBe("'admin' and <unknown>");
  });

  it('keeps secrets, e-mail addresses and identifiers out of the prompt', () => {
    const f = gdFinding('UnauthorizedAccess:EC2/SSHBruteForce', {}, (d) => {
      d.description = 'Login by ops@example.com with password=Winter2026! from the bastion';
      d.resource.instanceDetails.tags = [{ key: 'Owner', value: 'ops@example.com' }];
    });
    const p = buildPrompt(f, { mode: 'llm', model: 'm', redaction: { personal: ['email'] } });
    const all = p.system + p.user;
    expect(all).not.toContain('Winter2026!');
    expect(all).not.toContain('ops@example.com');
    expect(all).not.toContain(f.account);
    expect(all).not.toContain(f.resources[0]?.ids.instanceId as string);
    expect(p.user).toContain('Login by <email> with password=<secret>');
    expect(p.user).toContain('Owner=<email>');
  });

  it('gives the same prompt and key to the same kind of finding on other resources, accounts and regions', () => {
    const a = buildPrompt(gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS', { variant: 1 }), { mode: 'llm', model: 'm', redaction: { personal: [] } });
    const b = buildPrompt(gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS', { variant: 2, account: '210987654321', region: 'eu-west-1' }), { mode: 'llm', model: 'm', redaction: { personal: [] } });
    const other = buildPrompt(gdFinding('CryptoCurrency:EC2/BitcoinTool.B!DNS', { variant: 1 }), { mode: 'llm', model: 'another-model', redaction: { personal: [] } });
    expect(b.user).toBe(a.user);
    expect(b.key).toBe(a.key);
    expect(other.key).not.toBe(a.key);
  });
});
