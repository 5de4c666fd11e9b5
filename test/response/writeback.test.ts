/** Security Hub write-back against a stand-in that validates requests with the SDK's service model (moto lacks BatchUpdateFindings). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsSession } from '../../src/response/aws.js';
import { FindingsWriter, NOTE_LIMIT, fitNote, securityHubId } from '../../src/response/writeback.js';
import type { Moto } from '../helpers/moto.js';
import { type FaultProxy, startFaultProxy } from './proxy.js';
import { SecurityHubFake } from './securityhub-fake.js';
import { findingAbout, motoWithCredentials } from './support.js';

let moto: Moto;
beforeAll(async () => {
  moto = await motoWithCredentials();
});
afterAll(async () => {
  await moto.stop();
});

const PRODUCT = 'arn:aws:securityhub:us-east-1::product/aws/securityhub';
const asff = (n: number) => findingAbout([{ ids: {} }], { source: 'securityhub', raw: { Id: `arn:aws:securityhub:us-east-1:123456789012:finding/${n}`, ProductArn: PRODUCT } });

/** A proxy sending BatchUpdateFindings to `fake` and everything else (STS) to moto. */
const withFake = (fake: SecurityHubFake): Promise<FaultProxy> => startFaultProxy(moto.endpoint, (operation, body) => (operation === 'PATCH /findings/batchupdate' ? fake.handle(body) : undefined));

describe('BatchUpdateFindings write-back', () => {
  it('sends batches of at most 100, retries throttling, and reports findings Security Hub did not process', async () => {
    const findings = Array.from({ length: 230 }, (_, i) => asff(i));
    const fake = new SecurityHubFake(findings.map((f) => (f.raw as { Id: string }).Id), 2);
    const proxy = await withFake(fake);
    try {
      const writer = new FindingsWriter(new AwsSession({ endpoint: proxy.endpoint }));
      for (const f of findings) writer.add(f, 'NOTIFIED', 'firebreak: told the owners');
      writer.add(asff(9001), 'NOTIFIED', 'firebreak: told the owners');
      writer.add(findingAbout([{ ids: {} }], { source: 'inspector', raw: { findingArn: 'arn:aws:inspector2:x' } }), 'NOTIFIED', 'x');
      const report = await writer.flush();
      expect(fake.throttled).toBe(2);
      expect(fake.invalid).toEqual([]);
      expect(fake.requests.map((r) => r.FindingIdentifiers.length)).toEqual([100, 100, 31]);
      expect(report.updated).toBe(230);
      expect(report.failed).toEqual([{ id: 'arn:aws:securityhub:us-east-1:123456789012:finding/9001', reason: 'FindingNotFound: Finding Not Found' }]);
      expect(report.skipped).toBe(1);
      expect([...fake.findings.values()].every((f) => f.status === 'NOTIFIED' && f.note === 'firebreak: told the owners')).toBe(true);
      expect(fake.requests[0]?.Note?.UpdatedBy).toBe('firebreak');
    } finally {
      await proxy.stop();
    }
  }, 60_000);

  it('keeps a long note within 512 characters, cut at a word', async () => {
    const long = `firebreak: ${'isolate the instance and rotate the credentials '.repeat(20)}`;
    expect(fitNote(long).length).toBeLessThanOrEqual(NOTE_LIMIT);
    expect(fitNote(long).endsWith('…')).toBe(true);
    const finding = asff(1);
    const fake = new SecurityHubFake([(finding.raw as { Id: string }).Id]);
    const proxy = await withFake(fake);
    try {
      const writer = new FindingsWriter(new AwsSession({ endpoint: proxy.endpoint }));
      writer.add(finding, 'RESOLVED', long);
      expect((await writer.flush()).updated).toBe(1);
      expect(fake.findings.get((finding.raw as { Id: string }).Id)).toEqual({ status: 'RESOLVED', note: fitNote(long) });
    } finally {
      await proxy.stop();
    }
  });

  it('names GuardDuty findings as their Security Hub integration does', () => {
    const gd = findingAbout([{ ids: {} }], { source: 'guardduty', region: 'eu-west-1', raw: { arn: 'arn:aws:guardduty:eu-west-1:123456789012:detector/d/finding/f' } });
    expect(securityHubId(gd)).toEqual({ Id: 'arn:aws:guardduty:eu-west-1:123456789012:detector/d/finding/f', ProductArn: 'arn:aws:securityhub:eu-west-1::product/aws/guardduty' });
  });

  it('the stand-in refuses what AWS refuses, by the SDK model', () => {
    const fake = new SecurityHubFake(['a']);
    const bad = [
      { FindingIdentifiers: [{ Id: 'a' }] },
      { FindingIdentifiers: [{ Id: 'a', ProductArn: PRODUCT }], Workflow: { Status: 'CLOSED' } },
      { FindingIdentifiers: [{ Id: 'a', ProductArn: PRODUCT }], Note: { Text: 'x'.repeat(513), UpdatedBy: 'me' } },
      { FindingIdentifiers: [{ Id: 'a', ProductArn: PRODUCT }], Colour: 'red' },
      { FindingIdentifiers: [] },
    ];
    for (const b of bad) expect(fake.handle(JSON.stringify(b)).status, JSON.stringify(b)).toBe(400);
    expect(fake.invalid.map((e) => e.join(' '))).toEqual([
      expect.stringContaining('ProductArn is required'),
      expect.stringContaining('CLOSED is not one of'),
      expect.stringContaining('512'),
      expect.stringContaining('Colour is not a member'),
      expect.stringContaining('1 to 100'),
    ]);
  });
});
