/**
 * Security Hub write-back: `BatchUpdateFindings` sets `Workflow.Status` (NOTIFIED once people
 * were told, RESOLVED once a remediation was verified) with a note naming the analysis and the
 * actions. Updates are collected and sent per region in batches of at most 100 findings; the SDK
 * retries throttling; findings Security Hub did not process are reported one by one.
 */
import type { Analysis } from '../analysis/types.js';
import type { Finding } from '../findings/model.js';
import { redactSecrets } from '../util/secrets.js';
import { type AwsSession, partitionOf } from './aws.js';
import { ResponseError } from './errors.js';

/** Security Hub's limits: findings per call, characters of a note. */
export const BATCH_LIMIT = 100;
export const NOTE_LIMIT = 512;

/** How Security Hub names a finding. */
export interface FindingIdentifier {
  Id: string;
  ProductArn: string;
}

/**
 * The Security Hub identifier of a finding: an ASFF finding's own `Id` and `ProductArn`; a
 * GuardDuty finding's ARN under GuardDuty's product (as its integration imports it); none for
 * sources firebreak cannot name exactly.
 */
export function securityHubId(finding: Finding): FindingIdentifier | undefined {
  const raw = finding.raw as Record<string, unknown> | null;
  if (raw === null || typeof raw !== 'object') return undefined;
  if (typeof raw.Id === 'string' && typeof raw.ProductArn === 'string') return { Id: raw.Id, ProductArn: raw.ProductArn };
  if (finding.source === 'guardduty' && typeof raw.arn === 'string') {
    return { Id: raw.arn, ProductArn: `arn:${partitionOf(finding.region)}:securityhub:${finding.region}::product/aws/guardduty` };
  }
  return undefined;
}

/** A note within Security Hub's limit, cut at a word with an ellipsis when longer; secrets in finding text redacted. */
export function fitNote(text: string): string {
  const flat = redactSecrets(text).replace(/\s+/g, ' ').trim();
  if (flat.length <= NOTE_LIMIT) return flat;
  const cut = flat.slice(0, NOTE_LIMIT - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > NOTE_LIMIT / 2 ? cut.slice(0, space) : cut}…`;
}

/** The note of a finding people were told about: the analysis, and the actions awaiting approval. */
export function notifiedNote(analysis: Analysis, proposed: readonly { action: string; target: string }[]): string {
  const waiting = proposed.length === 0 ? '' : ` Proposed: ${proposed.map((p) => `${p.action} ${p.target}`).join('; ')} (awaiting approval).`;
  return `firebreak (${analysis.playbookId ?? analysis.analyst}): ${analysis.summary}${waiting}`;
}

/** The note of a finding remediated: the analysis, and each verified execution. */
export function resolvedNote(analysis: Analysis, executions: readonly { action: string; target: string; id: string }[]): string {
  return `firebreak (${analysis.playbookId ?? analysis.analyst}): ${analysis.summary} Remediated: ${executions.map((e) => `${e.action} ${e.target} (${e.id})`).join('; ')}.`;
}

/** What a flush did. */
export interface WritebackReport {
  updated: number;
  /** Findings Security Hub did not process, with its reason; and batches that failed whole. */
  failed: { id: string; reason: string }[];
  /** Findings firebreak cannot name in Security Hub (not written). */
  skipped: number;
}

interface Pending {
  id: FindingIdentifier;
  status: 'NOTIFIED' | 'RESOLVED';
  note: string;
}

/** Collects updates and sends them in batches. */
export class FindingsWriter {
  private readonly pending = new Map<string, Pending[]>();
  private skipped = 0;

  constructor(private readonly session: AwsSession) {}

  /** Queues a status and note for `finding`; a finding Security Hub cannot be asked about is counted as skipped. */
  add(finding: Finding, status: 'NOTIFIED' | 'RESOLVED', note: string): void {
    const id = securityHubId(finding);
    if (id === undefined) {
      this.skipped += 1;
      return;
    }
    const list = this.pending.get(finding.region) ?? [];
    // One update per finding and status: the last note wins.
    const same = list.findIndex((p) => p.id.Id === id.Id && p.id.ProductArn === id.ProductArn && p.status === status);
    if (same >= 0) list.splice(same, 1);
    list.push({ id, status, note: fitNote(note) });
    this.pending.set(finding.region, list);
  }

  /** Sends everything queued. Never throws for AWS errors: they are in the report. */
  async flush(): Promise<WritebackReport> {
    const report: WritebackReport = { updated: 0, failed: [], skipped: this.skipped };
    for (const [region, list] of this.pending) {
      // One call per (status, note) group, at most 100 findings each.
      const groups = new Map<string, Pending[]>();
      for (const p of list) {
        const key = `${p.status}\u0000${p.note}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const group of groups.values()) {
        for (let i = 0; i < group.length; i += BATCH_LIMIT) {
          const batch = group.slice(i, i + BATCH_LIMIT);
          await this.send(region, batch, report);
        }
      }
    }
    this.pending.clear();
    this.skipped = 0;
    return report;
  }

  private async send(region: string, batch: Pending[], report: WritebackReport): Promise<void> {
    const first = batch[0] as Pending;
    try {
      const aws = await this.session.caller(await this.session.homeAccount(region), region);
      const r = await aws.call<{ ProcessedFindings?: FindingIdentifier[]; UnprocessedFindings?: { FindingIdentifier?: FindingIdentifier; ErrorCode?: string; ErrorMessage?: string }[] }>('securityhub:BatchUpdateFindings', {
        FindingIdentifiers: batch.map((p) => p.id),
        Workflow: { Status: first.status },
        Note: { Text: first.note, UpdatedBy: 'firebreak' },
      });
      report.updated += r.ProcessedFindings?.length ?? 0;
      for (const u of r.UnprocessedFindings ?? []) report.failed.push({ id: u.FindingIdentifier?.Id ?? '?', reason: `${u.ErrorCode ?? 'Unprocessed'}: ${u.ErrorMessage ?? ''}`.trim() });
    } catch (err) {
      const reason = err instanceof ResponseError || err instanceof Error ? err.message : String(err);
      for (const p of batch) report.failed.push({ id: p.id.Id, reason });
    }
  }
}
