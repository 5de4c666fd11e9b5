/**
 * Who receives a finding on a channel: the teams that own it (by account, by resource tags, or
 * named by the route) with their own addresses for that channel, else the channel's defaults.
 *
 * A recipient has an `id` (what the ledger, outcomes and listings show) and an `address` (what
 * the channel sends to). They are the same for e-mail addresses, phone numbers, Slack channels
 * and topic ARNs. Where the address is a secret (webhook URLs, PagerDuty routing keys) the id is
 * logical — `default`, or `team:<id>` — and the address is looked up in the current
 * configuration when the message is sent, so a corrected URL is used on the next retry and no
 * URL is ever written down.
 */
import type { Finding } from '../findings/model.js';
import type { TeamSettings } from './config.js';
import type { Channel } from './types.js';

/** One recipient on one channel, and how to greet them. */
export interface Recipient {
  id: string;
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

/** The logical id of the `index`-th secret address of `owner` (`default` or `team:<id>`). */
const logicalId = (owner: string, index: number): string => (index === 0 ? owner : `${owner}#${index + 1}`);

/** The recipients of `finding` on `channel`; `routeTeam` is the owner a route names, if any. */
export function recipientsFor(finding: Finding, channel: Channel, teams: Readonly<Record<string, TeamSettings>>, routeTeam?: string): Recipient[] {
  const out = new Map<string, Recipient>();
  for (const [id, team] of Object.entries(teams)) {
    if (id !== routeTeam && !ownsFinding(team, finding)) continue;
    for (const [i, address] of (team.recipients[channel.name] ?? []).entries()) {
      if (!out.has(address)) out.set(address, { id: channel.secretAddresses === true ? logicalId(`team:${id}`, i) : address, address, name: team.name ?? id });
    }
  }
  if (out.size === 0) {
    for (const [i, address] of channel.defaultRecipients.entries()) out.set(address, { id: channel.secretAddresses === true ? logicalId('default', i) : address, address, name: 'team' });
  }
  return [...out.values()];
}

/**
 * The address a recipient id stands for in the current configuration, or undefined when it no
 * longer exists (the team or its address was removed).
 */
export function addressOf(channel: Channel, teams: Readonly<Record<string, TeamSettings>>, id: string): string | undefined {
  if (channel.secretAddresses !== true) return id;
  const match = /^(default|team:(.+?))(?:#(\d+))?$/s.exec(id);
  if (match === null) return undefined;
  const index = match[3] === undefined ? 0 : Number(match[3]) - 1;
  const team = match[2];
  const list = team === undefined ? channel.defaultRecipients : Object.hasOwn(teams, team) ? teams[team]?.recipients[channel.name] : undefined;
  return list?.[index];
}
