/**
 * The CLI's side of routing: builds the route stage from `firebreak.yaml` (routes, mutes,
 * de-duplication store) and the analysts the routes name, and summarises what it decided.
 */
import { resolve } from 'node:path';
import { PlaybookAnalyst } from '../analysis/playbooks/analyst.js';
import type { Analyst } from '../analysis/types.js';
import type { FirebreakConfig } from '../config/schema.js';
import type { RouteStage } from '../pipeline.js';
import { Router, type RoutingDecision, type RoutingStats } from '../routing/router.js';
import { MemoryStore, OverlayStore, type Store } from '../store/index.js';
import { openState, statePath } from './state.js';
import { type AnalystFlags, type CliAnalyst, buildAnalyst } from './analyst.js';

/** The route stage of a run, with what must be closed after it. */
export interface CliRouting {
  stage: RouteStage;
  router: Router;
  /** Analysts the routes name, built once. */
  analysts: CliAnalyst[];
  close(): void;
}

/** Whether the configuration asks for routing at all. */
export function wantsRouting(config: FirebreakConfig): boolean {
  return config.routes.length > 0 || config.mutes.length > 0 || config.dedupe !== undefined;
}

/** Where the state is and whether the run only previews (`--outbox`): a preview writes nothing to it. */
export interface StoreFlags {
  state?: string;
  outbox?: string;
}

/**
 * Opens the store the `dedupe` section names: the state file (or `dedupe.path`), or memory for one
 * run when there is no section or it says so. A preview reads it and keeps its own writes in memory.
 */
export function openStore(config: FirebreakConfig, dir: string, flags: StoreFlags = {}, log?: (line: string) => void): { store: Store; path?: string } {
  const dedupe = config.dedupe;
  if (dedupe === undefined || dedupe.store === 'memory') return { store: new MemoryStore() };
  const path = dedupe.path === undefined ? statePath(config, dir, flags.state) : resolve(dir, dedupe.path);
  const store = openState(path, log);
  return { store: flags.outbox === undefined ? store : new OverlayStore(store), path };
}

/** Builds the route stage for `config` (found in `dir`); route analysts reuse the command's model flags. */
export async function buildRouting(config: FirebreakConfig, dir: string, flags: AnalystFlags & StoreFlags, log: (line: string) => void): Promise<CliRouting> {
  const { store } = openStore(config, dir, flags, log);
  const router = new Router({ routes: config.routes, mutes: config.mutes, ...(config.dedupe === undefined ? {} : { dedupe: config.dedupe }) }, store);
  const byName = new Map<string, CliAnalyst>();
  try {
    for (const route of config.routes) {
      if (route.analyst === undefined || route.analyst === flags.analyst || byName.has(route.analyst)) continue;
      byName.set(route.analyst, await buildAnalyst({ ...flags, analyst: route.analyst }, log));
    }
  } catch (err) {
    store.close();
    throw err;
  }
  const playbook = new PlaybookAnalyst();
  const stage: RouteStage = {
    route: (finding) => router.route(finding),
    analystFor: (decision: RoutingDecision): Analyst | undefined => {
      // Findings that will not be sent are explained offline: no model spend on them.
      if (!decision.alert) return playbook;
      const name = decision.routes.find((r) => r.analyst !== undefined)?.analyst;
      return name === undefined ? undefined : byName.get(name);
    },
  };
  for (const m of router.expiredMutes()) log(`firebreak: mute "${m.name}" expired ${m.expires}; it no longer holds findings back`);
  return { stage, router, analysts: [...byName.values()], close: () => store.close() };
}

/** One summary line about routing, for stderr or the text report. */
export function routingSummary(stats: RoutingStats): string {
  const parts = [`${stats.alerts} to alert`];
  const routes = Object.entries(stats.byRoute).map(([name, n]) => `${name} ${n}`);
  if (routes.length > 0) parts.push(`routes: ${routes.join(', ')}`);
  if (stats.unrouted > 0) parts.push(`${stats.unrouted} matched no route`);
  const muted = Object.entries(stats.muted);
  if (muted.length > 0) parts.push(`muted: ${muted.map(([rule, n]) => `${rule} ${n}`).join(', ')}`);
  const d = stats.dedupe;
  if (d.repeat + d.escalated + d.reminder > 0) parts.push(`repeats: ${d.repeat} suppressed, ${d.escalated} escalated, ${d.reminder} re-alerted`);
  if (d.resolved + d.reopened > 0) parts.push(`${d.resolved} resolved, ${d.reopened} reopened`);
  if (stats.incidentsOpened + stats.groupedIntoIncidents > 0) parts.push(`incidents: ${stats.incidentsOpened} opened, ${stats.groupedIntoIncidents} finding(s) grouped into one`);
  return `firebreak: routing: ${parts.join('; ')}\n`;
}

/** A short line about one finding's routing, for the text report. */
export function decisionLine(d: RoutingDecision): string {
  const parts: string[] = [];
  parts.push(d.routes.length === 0 ? 'no route' : `routes ${d.routes.map((r) => `${r.name} (${r.mode})`).join(', ')}`);
  if (d.muted !== null) parts.push(`muted by ${d.muted.rule}: ${d.muted.reason} (until ${d.muted.expires})`);
  if (d.dedupe !== null) {
    const x = d.dedupe;
    parts.push(x.status === 'new' ? 'new' : `${x.status}, seen ${x.occurrences} times`);
    if (x.incident.findings > 1) parts.push(`incident ${x.incident.id} (${x.incident.findings} findings)`);
  }
  parts.push(d.alert ? 'alert' : 'not sent');
  return parts.join(' · ');
}
