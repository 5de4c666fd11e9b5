/**
 * The route stage: which routes a finding matches (all of them, in file order, as EventBridge
 * delivers an event to every rule that matches), whether a mute rule holds it back, and what
 * de-duplication makes of it. Every finding gets a decision; none is dropped.
 */
import type { Finding } from '../findings/model.js';
import type { Store } from '../store/types.js';
import { DEDUPE_DEFAULTS, type DedupeSettings, type MuteSettings, type ResponseMode, type RouteSettings } from './config.js';
import { type DedupeResult, type DedupeStatus, observe, type PendingAlert, settle } from './dedupe.js';
import { eventOf } from './event.js';
import { type MuteHit, Mutes } from './mutes.js';
import { PatternMachine } from './pattern/index.js';

/** A route a finding matched. */
export interface RouteMatch {
  name: string;
  mode: ResponseMode;
  analyst?: RouteSettings['analyst'];
  channels?: string[];
  owner?: string;
}

/** What the route stage decided for one finding. */
export interface RoutingDecision {
  routes: RouteMatch[];
  muted: MuteHit | null;
  dedupe: DedupeResult | null;
  /** Whether the finding is to be sent: not muted, not a suppressed repeat, and routed (when routes exist). */
  alert: boolean;
}

/** Totals of one run, for the summary. */
export interface RoutingStats {
  findings: number;
  alerts: number;
  unrouted: number;
  byRoute: Record<string, number>;
  muted: Record<string, number>;
  dedupe: Record<DedupeStatus, number>;
  incidentsOpened: number;
  groupedIntoIncidents: number;
}

export interface RouterSettings {
  routes: readonly RouteSettings[];
  mutes: readonly MuteSettings[];
  dedupe?: Pick<DedupeSettings, 'realertAfter' | 'incidentWindow'>;
}

export class Router {
  private readonly machine: PatternMachine<RouteMatch>;
  private readonly mutes: Mutes;
  readonly stats: RoutingStats = { findings: 0, alerts: 0, unrouted: 0, byRoute: {}, muted: {}, dedupe: { new: 0, repeat: 0, escalated: 0, reminder: 0, resolved: 0, reopened: 0 }, incidentsOpened: 0, groupedIntoIncidents: 0 };

  /** `store` enables de-duplication and incidents; without it every finding is new. */
  constructor(
    private readonly settings: RouterSettings,
    private readonly store?: Store,
    now: () => number = Date.now,
  ) {
    this.machine = new PatternMachine(
      settings.routes.map((r) => {
        const match: RouteMatch = { name: r.name, mode: r.mode };
        if (r.analyst !== undefined) match.analyst = r.analyst;
        if (r.channels !== undefined) match.channels = r.channels;
        if (r.owner !== undefined) match.owner = r.owner;
        return [match, r.pattern] as const;
      }),
    );
    this.mutes = new Mutes(settings.mutes, now);
  }

  /** Mute rules whose expiry has passed. */
  expiredMutes(): MuteSettings[] {
    return this.mutes.expired();
  }

  /** Alerts decided in this run and not delivered yet, by fingerprint: a repeat in the same run is still a repeat. */
  private readonly pending = new Map<string, PendingAlert>();

  /** Decides for one finding, recording the sighting in the store (not the alert: see `delivered`). */
  route(finding: Finding): RoutingDecision {
    const s = this.stats;
    s.findings += 1;
    const routes = this.machine.size === 0 ? [] : this.machine.match(eventOf(finding));
    for (const r of routes) s.byRoute[r.name] = (s.byRoute[r.name] ?? 0) + 1;
    const routed = this.machine.size === 0 || routes.length > 0;
    if (!routed) s.unrouted += 1;
    const muted = this.mutes.match(finding) ?? null;
    if (muted !== null) {
      s.muted[muted.rule] = (s.muted[muted.rule] ?? 0) + 1;
      this.store?.countMute(muted.rule, finding.fingerprint, finding.lastSeen);
      return { routes, muted, dedupe: null, alert: false };
    }
    let dedupe: DedupeResult | null = null;
    if (this.store !== undefined) {
      dedupe = observe(this.store, finding, this.settings.dedupe ?? DEDUPE_DEFAULTS, this.pending.get(finding.fingerprint));
      if (dedupe.settle !== null) this.pending.set(finding.fingerprint, dedupe.settle);
      s.dedupe[dedupe.status] += 1;
      if (dedupe.status === 'new') {
        if (dedupe.incident.new) s.incidentsOpened += 1;
        else s.groupedIntoIncidents += 1;
      }
    }
    const alert = routed && (dedupe === null || dedupe.alert);
    if (alert) s.alerts += 1;
    return { routes, muted, dedupe, alert };
  }

  /**
   * Records that the alert `decision` made about `finding` was delivered (every channel answered, or
   * kept the message for retry). Until then the store still counts the finding as not told.
   */
  delivered(finding: Finding, decision: RoutingDecision): void {
    if (this.store === undefined || decision.dedupe === null) return;
    settle(this.store, finding.fingerprint, decision.dedupe);
    if (this.pending.get(finding.fingerprint) === decision.dedupe.settle) this.pending.delete(finding.fingerprint);
  }

  /** Mute counts over the store's life (or this run's without a store). */
  muteCounts(): Record<string, number> {
    return this.store?.muteCounts() ?? { ...this.stats.muted };
  }
}
