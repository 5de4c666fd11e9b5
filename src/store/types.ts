/**
 * What firebreak remembers between runs: each finding it has seen (by fingerprint), the
 * incidents that group findings about one resource, and how often each mute rule held a finding
 * back. One interface, two implementations: in memory (one run) and SQLite (survives restarts).
 */

/** A finding firebreak has seen, by fingerprint. */
export interface FindingRecord {
  fingerprint: string;
  /** Finding type (or control id), for listings. */
  type: string;
  firstSeen: string;
  lastSeen: string;
  /** The product's own count of occurrences (GuardDuty `service.count`), highest seen. */
  count: number;
  /** How many times firebreak received this finding. */
  occurrences: number;
  severityLabel: string;
  severityScore: number;
  /**
   * When the last alert was delivered, in the finding's time; null when never (or when the
   * finding reported its resolution and the alert was closed).
   */
  alertedAt: string | null;
  /** Severity score of the last delivered alert. */
  alertedScore: number | null;
  /** When the finding last reported its own resolution; null while it is live. */
  resolvedAt: string | null;
  incidentId: string;
}

/** Findings about one resource close together in time. */
export interface IncidentRecord {
  id: string;
  /** Account and resource the findings are about. */
  resourceKey: string;
  firstSeen: string;
  lastSeen: string;
  /** Distinct findings in the incident. */
  findings: number;
  maxScore: number;
}

/** The store behind de-duplication, incidents and mute counts. Calls are synchronous. */
export interface Store {
  getFinding(fingerprint: string): FindingRecord | undefined;
  putFinding(record: FindingRecord): void;
  /**
   * Records that the alert about a finding was delivered (or, with nulls, that its open alert was
   * closed). Called only after delivery: a preview, a plain triage or a crash records nothing.
   */
  markAlerted(fingerprint: string, at: string | null, score: number | null): void;
  /** The most recent incident about `resourceKey` whose last finding is at or after `since`. */
  recentIncident(resourceKey: string, since: string): IncidentRecord | undefined;
  getIncident(id: string): IncidentRecord | undefined;
  putIncident(record: IncidentRecord): void;
  /** Counts one finding held back by mute rule `rule`. */
  countMute(rule: string, fingerprint: string, at: string): void;
  /** Findings held back per mute rule, over the store's life. */
  muteCounts(): Record<string, number>;
  /** Runs `fn` atomically (SQLite: an immediate transaction, so concurrent runs wait their turn). */
  transaction<T>(fn: () => T): T;
  close(): void;
}
