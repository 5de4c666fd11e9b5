/**
 * De-duplication and incidents. A finding seen before (same fingerprint) updates its record and
 * alerts again only when its severity rose above the last delivered alert or the re-alert
 * interval has passed. New findings about one resource within the incident window join one
 * incident. Times are the findings' own (`lastSeen`), so replaying old findings behaves as it did
 * live.
 *
 * Deciding records the sighting; it does not record the alert. The alert is recorded (`settle`)
 * only once it was delivered, so a preview, a triage without delivery, or a run killed before
 * sending leaves the finding still to be alerted.
 */
import { createHash } from 'node:crypto';
import type { Finding } from '../findings/model.js';
import type { FindingRecord, IncidentRecord, Store } from '../store/types.js';

/**
 * `new`: first sighting; `escalated`: severity rose; `reminder`: re-alert interval passed; `repeat`:
 * suppressed; `resolved`: the finding reports its own resolution (it closes an open alert, and never
 * raises one); `reopened`: a finding that was resolved is live again.
 */
export type DedupeStatus = 'new' | 'repeat' | 'escalated' | 'reminder' | 'resolved' | 'reopened';

/** What de-duplication decided for one finding. */
export interface DedupeResult {
  status: DedupeStatus;
  alert: boolean;
  /** Times firebreak has received this finding, this one included. */
  occurrences: number;
  /** The product's own occurrence count, highest seen. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  incident: { id: string; findings: number; new: boolean };
  /** What to record once the alert is delivered: its time and score (nulls: the open alert was closed). */
  settle: PendingAlert | null;
}

/**
 * An alert's time and score as recorded once it is delivered; before that, an alert this run
 * decided, which counts as told for repeats in the same run.
 */
export interface PendingAlert {
  at: string | null;
  score: number | null;
}

export interface DedupeSettings {
  realertAfter: number;
  incidentWindow: number;
}

/** The resource a finding is about, for grouping into incidents. */
export function resourceKey(finding: Finding): string {
  return `${finding.account}/${finding.resources[0]?.id ?? finding.fingerprint}`;
}

const later = (a: string, b: string): string => (a >= b ? a : b);
const earlier = (a: string, b: string): string => (a <= b ? a : b);

function joinIncident(store: Store, finding: Finding, window: number): { incident: IncidentRecord; isNew: boolean } {
  const key = resourceKey(finding);
  const at = finding.lastSeen;
  const since = new Date(Date.parse(at) - window).toISOString();
  const open = store.recentIncident(key, since);
  if (open !== undefined) {
    const incident = { ...open, lastSeen: later(open.lastSeen, at), firstSeen: earlier(open.firstSeen, finding.firstSeen), findings: open.findings + 1, maxScore: Math.max(open.maxScore, finding.severity.score) };
    store.putIncident(incident);
    return { incident, isNew: false };
  }
  const id = `inc-${createHash('sha256').update(`${key}\u0000${at}\u0000${finding.fingerprint}`).digest('hex').slice(0, 16)}`;
  const incident = { id, resourceKey: key, firstSeen: finding.firstSeen, lastSeen: at, findings: 1, maxScore: finding.severity.score };
  store.putIncident(incident);
  return { incident, isNew: true };
}

/**
 * A finding that reports its resolution: recorded as resolved; it "alerts" only to close an alert
 * that is open (so channels post a resolved update in its thread), never as a new one.
 */
function resolve(store: Store, finding: Finding, known: FindingRecord | undefined, settings: DedupeSettings): DedupeResult {
  const at = finding.lastSeen;
  const open = known !== undefined && known.alertedAt !== null;
  const base = known ?? { fingerprint: finding.fingerprint, firstSeen: finding.firstSeen, lastSeen: at, count: finding.count, occurrences: 0, alertedAt: null, alertedScore: null, incidentId: joinIncident(store, finding, settings.incidentWindow).incident.id };
  const record: FindingRecord = {
    ...base,
    type: finding.type,
    firstSeen: earlier(base.firstSeen, finding.firstSeen),
    lastSeen: later(base.lastSeen, at),
    count: Math.max(base.count, finding.count),
    occurrences: base.occurrences + 1,
    severityLabel: finding.severity.label,
    severityScore: finding.severity.score,
    resolvedAt: at,
  };
  store.putFinding(record);
  const incident = store.getIncident(record.incidentId);
  return {
    status: 'resolved',
    alert: open,
    occurrences: record.occurrences,
    count: record.count,
    firstSeen: record.firstSeen,
    lastSeen: record.lastSeen,
    incident: { id: record.incidentId, findings: incident?.findings ?? 1, new: false },
    settle: open ? { at: null, score: null } : null,
  };
}

/**
 * Records `finding` in `store` and decides whether it deserves an alert. `pending` is an alert
 * this run decided for the same finding and has not delivered yet.
 */
export function observe(store: Store, finding: Finding, settings: DedupeSettings, pending?: PendingAlert): DedupeResult {
  return store.transaction(() => {
    const stored = store.getFinding(finding.fingerprint);
    const known = stored === undefined || pending === undefined ? stored : { ...stored, alertedAt: pending.at, alertedScore: pending.score };
    const at = finding.lastSeen;
    const score = finding.severity.score;
    if (finding.resolved !== undefined) return resolve(store, finding, known, settings);
    if (known === undefined) {
      const { incident, isNew } = joinIncident(store, finding, settings.incidentWindow);
      const record: FindingRecord = {
        fingerprint: finding.fingerprint,
        type: finding.type,
        firstSeen: finding.firstSeen,
        lastSeen: at,
        count: finding.count,
        occurrences: 1,
        severityLabel: finding.severity.label,
        severityScore: score,
        alertedAt: null,
        alertedScore: null,
        incidentId: incident.id,
        resolvedAt: null,
      };
      store.putFinding(record);
      return { status: 'new', alert: true, occurrences: 1, count: finding.count, firstSeen: record.firstSeen, lastSeen: at, incident: { id: incident.id, findings: incident.findings, new: isNew }, settle: { at, score } };
    }
    let status: DedupeStatus = 'repeat';
    // A resolved finding is news again when it is live again; one never told about is still new.
    if (known.resolvedAt !== null) status = 'reopened';
    else if (known.alertedAt === null || known.alertedScore === null) status = 'new';
    else if (score > known.alertedScore) status = 'escalated';
    else if (Date.parse(at) - Date.parse(known.alertedAt) >= settings.realertAfter) status = 'reminder';
    const alert = status !== 'repeat';
    const record: FindingRecord = {
      ...(stored as FindingRecord),
      type: finding.type,
      firstSeen: earlier(known.firstSeen, finding.firstSeen),
      lastSeen: later(known.lastSeen, at),
      count: Math.max(known.count, finding.count),
      occurrences: known.occurrences + 1,
      severityLabel: finding.severity.label,
      severityScore: score,
      resolvedAt: null,
    };
    store.putFinding(record);
    const incident = store.getIncident(known.incidentId);
    if (incident !== undefined) store.putIncident({ ...incident, lastSeen: later(incident.lastSeen, at), maxScore: Math.max(incident.maxScore, score) });
    return {
      status,
      alert,
      occurrences: record.occurrences,
      count: record.count,
      firstSeen: record.firstSeen,
      lastSeen: record.lastSeen,
      incident: { id: known.incidentId, findings: incident?.findings ?? 1, new: false },
      settle: alert ? { at, score } : null,
    };
  });
}

/** Records that the alert `result` decided was delivered. */
export function settle(store: Store, fingerprint: string, result: DedupeResult): void {
  if (result.settle !== null) store.markAlerted(fingerprint, result.settle.at, result.settle.score);
}
