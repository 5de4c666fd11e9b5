/**
 * Mute rules: findings a team has decided not to be alerted about, for a reason and until a
 * date. A muted finding is still printed, recorded and counted; it is only not sent.
 */
import type { Finding } from '../findings/model.js';
import { Glob } from '../util/glob.js';
import type { MuteSettings } from './config.js';

/** The mute rule that held a finding back. */
export interface MuteHit {
  rule: string;
  reason: string;
  expires: string;
}

/** When a mute ends: a bare date lasts to the end of that day (UTC). */
export function expiryOf(expires: string): number {
  if (expires === 'never') return Number.POSITIVE_INFINITY;
  return /^\d{4}-\d{2}-\d{2}$/.test(expires) ? Date.parse(`${expires}T23:59:59.999Z`) : Date.parse(expires);
}

interface CompiledMute {
  settings: MuteSettings;
  until: number;
  test: (f: Finding) => boolean;
}

function compile(m: MuteSettings): CompiledMute {
  const tests: ((f: Finding) => boolean)[] = [];
  if (m.accounts !== undefined) {
    const set = new Set(m.accounts);
    tests.push((f) => set.has(f.account));
  }
  if (m.regions !== undefined) {
    const set = new Set(m.regions);
    tests.push((f) => set.has(f.region));
  }
  if (m.types !== undefined || m.controls !== undefined) {
    const types = (m.types ?? []).map((t) => Glob.of(t));
    const controls = new Set(m.controls ?? []);
    tests.push((f) => controls.has(f.type) || types.some((re) => re.test(f.type)));
  }
  if (m.resources !== undefined) {
    const res = m.resources.map((r) => Glob.of(r));
    tests.push((f) => f.resources.some((r) => res.some((re) => re.test(r.id) || Object.values(r.ids).some((v) => (Array.isArray(v) ? v : [v]).some((x) => x !== undefined && re.test(x))))));
  }
  if (m.tags !== undefined) {
    const tags = Object.entries(m.tags);
    tests.push((f) => f.resources.some((r) => tags.every(([k, v]) => r.tags[k] === v)));
  }
  return { settings: m, until: expiryOf(m.expires), test: (f) => tests.every((t) => t(f)) };
}

/** The mute rules of a configuration, checked in order. */
export class Mutes {
  private readonly rules: CompiledMute[];

  constructor(
    settings: readonly MuteSettings[],
    private readonly now: () => number = Date.now,
  ) {
    this.rules = settings.map(compile);
  }

  /** The first rule in force that covers `finding`, if any. */
  match(finding: Finding): MuteHit | undefined {
    const now = this.now();
    const hit = this.rules.find((r) => r.until >= now && r.test(finding));
    return hit === undefined ? undefined : { rule: hit.settings.name, reason: hit.settings.reason, expires: hit.settings.expires };
  }

  /** Rules whose expiry has passed (they no longer hold anything back). */
  expired(): MuteSettings[] {
    const now = this.now();
    return this.rules.filter((r) => r.until < now).map((r) => r.settings);
  }
}
