/** The in-memory store: everything is forgotten when the process ends. */
import type { FindingRecord, IncidentRecord, Store } from './types.js';

export class MemoryStore implements Store {
  private readonly findings = new Map<string, FindingRecord>();
  private readonly incidents = new Map<string, IncidentRecord>();
  private readonly latestByResource = new Map<string, string>();
  private readonly mutes = new Map<string, number>();

  getFinding(fingerprint: string): FindingRecord | undefined {
    const r = this.findings.get(fingerprint);
    return r === undefined ? undefined : { ...r };
  }

  putFinding(record: FindingRecord): void {
    this.findings.set(record.fingerprint, { ...record });
  }

  markAlerted(fingerprint: string, at: string | null, score: number | null): void {
    const r = this.findings.get(fingerprint);
    if (r !== undefined) this.findings.set(fingerprint, { ...r, alertedAt: at, alertedScore: score });
  }

  recentIncident(resourceKey: string, since: string): IncidentRecord | undefined {
    const id = this.latestByResource.get(resourceKey);
    const r = id === undefined ? undefined : this.incidents.get(id);
    return r !== undefined && r.lastSeen >= since ? { ...r } : undefined;
  }

  getIncident(id: string): IncidentRecord | undefined {
    const r = this.incidents.get(id);
    return r === undefined ? undefined : { ...r };
  }

  putIncident(record: IncidentRecord): void {
    this.incidents.set(record.id, { ...record });
    const latest = this.incidents.get(this.latestByResource.get(record.resourceKey) ?? '');
    if (latest === undefined || latest.lastSeen <= record.lastSeen) this.latestByResource.set(record.resourceKey, record.id);
  }

  countMute(rule: string): void {
    this.mutes.set(rule, (this.mutes.get(rule) ?? 0) + 1);
  }

  muteCounts(): Record<string, number> {
    return Object.fromEntries(this.mutes);
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  close(): void {
    // nothing to release
  }
}
