/**
 * A store that reads through to another and keeps its own writes in memory: a preview
 * (`--outbox`) decides exactly as a real run would, and leaves the real store as it found it.
 */
import { MemoryStore } from './memory.js';
import type { FindingRecord, IncidentRecord, Store } from './types.js';

export class OverlayStore implements Store {
  private readonly top = new MemoryStore();

  constructor(private readonly base: Store) {}

  getFinding(fingerprint: string): FindingRecord | undefined {
    return this.top.getFinding(fingerprint) ?? this.base.getFinding(fingerprint);
  }

  putFinding(record: FindingRecord): void {
    this.top.putFinding(record);
  }

  markAlerted(fingerprint: string, at: string | null, score: number | null): void {
    const known = this.getFinding(fingerprint);
    if (known !== undefined) this.top.putFinding({ ...known, alertedAt: at, alertedScore: score });
  }

  recentIncident(resourceKey: string, since: string): IncidentRecord | undefined {
    const mine = this.top.recentIncident(resourceKey, since);
    const theirs = this.base.recentIncident(resourceKey, since);
    if (theirs === undefined) return mine;
    // The base's incident as this run changed it, when it did.
    const current = this.top.getIncident(theirs.id) ?? theirs;
    return mine === undefined || mine.lastSeen < current.lastSeen ? current : mine;
  }

  getIncident(id: string): IncidentRecord | undefined {
    return this.top.getIncident(id) ?? this.base.getIncident(id);
  }

  putIncident(record: IncidentRecord): void {
    this.top.putIncident(record);
  }

  countMute(rule: string): void {
    this.top.countMute(rule);
  }

  muteCounts(): Record<string, number> {
    const counts = { ...this.base.muteCounts() };
    for (const [rule, n] of Object.entries(this.top.muteCounts())) counts[rule] = (counts[rule] ?? 0) + n;
    return counts;
  }

  transaction<T>(fn: () => T): T {
    return fn();
  }

  close(): void {
    this.base.close();
  }
}
