/**
 * Who receives a finding on a channel: the teams that own it (by account, by resource tags, or
 * named by the route) with their own addresses for that channel, else the channel's defaults.
 */
import type { Finding } from '../findings/model.js';
import type { TeamSettings } from './config.js';
import type { Channel } from './types.js';

/** One recipient on one channel, and how to greet them. */
export interface Recipient {
  address: string;
  name: string;
}

/** Whether `team` owns `finding`: its account is listed, or one resource carries all the team's tags. */
export function ownsFinding(team: TeamSettings, finding: Finding): boolean {
  if (team.accounts.includes(finding.account)) return true;
  const wanted = Object.entries(team.tags);
  if (wanted.length === 0) return false;
  return finding.resources.some((r) => wanted.every(([k, v]) => r.tags[k] === v));
}

/** The recipients of `finding` on `channel`; `routeTeam` is the owner a route names, if any. */
export function recipientsFor(finding: Finding, channel: Channel, teams: Readonly<Record<string, TeamSettings>>, routeTeam?: string): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const [id, team] of Object.entries(teams)) {
    if (id !== routeTeam && !ownsFinding(team, finding)) continue;
    for (const address of team.recipients[channel.name] ?? []) {
      if (!out.has(address)) out.set(address, { address, name: team.name ?? id });
    }
  }
  if (out.size === 0) for (const address of channel.defaultRecipients) out.set(address, { address, name: 'team' });
  return [...out.values()];
}
