/**
 * Configured secrets — webhook URLs, tokens, routing keys, SMTP passwords, signing secrets — never
 * appear in what firebreak prints or writes. Channels with secret addresses are shown by a
 * logical recipient id (see audience.ts); anything else that might carry one (a service's error
 * message, a stack of causes) passes through `SecretMask` first.
 */
import type { ChannelSettings, TeamSettings } from './config.js';

/** A URL shown with its path and query masked (`https://hooks.slack.com/…`); other secrets as `…` and their last 4 characters when long. */
export function maskSecret(value: string): string {
  const url = /^([a-z][a-z0-9+.-]*:\/\/[^/?#@\s]*@?[^/?#\s]*)/i.exec(value);
  if (url !== null && url[1] !== undefined) return `${url[1].replace(/\/\/[^@/]*@/, '//…@')}/…`;
  return value.length >= 16 ? `…${value.slice(-4)}` : '…';
}

/** The secret values of one channel's settings. */
function secretsOf(settings: ChannelSettings): string[] {
  switch (settings.type) {
    case 'email': return settings.smtp.password === undefined ? [] : [settings.smtp.password];
    case 'slack': return [settings.token];
    case 'slack-webhook': return [settings.url];
    case 'teams': return settings.url === undefined ? [] : [settings.url];
    case 'webhook': return [...(settings.url === undefined ? [] : [settings.url]), ...(settings.secret === undefined ? [] : [settings.secret]), ...Object.values(settings.headers)];
    case 'pagerduty': return settings.routingKey === undefined ? [] : [settings.routingKey];
    case 'sns':
    case 'sms': return [];
  }
}

const SECRET_ADDRESS_TYPES = new Set<ChannelSettings['type']>(['slack-webhook', 'teams', 'webhook', 'pagerduty']);

/** Replaces every configured secret in a text by its masked form. */
export class SecretMask {
  private readonly secrets: string[];

  constructor(channels: Readonly<Record<string, ChannelSettings>>, teams: Readonly<Record<string, TeamSettings>> = {}) {
    const found = new Set<string>();
    for (const [name, settings] of Object.entries(channels)) {
      for (const s of secretsOf(settings)) found.add(s);
      if (!SECRET_ADDRESS_TYPES.has(settings.type)) continue;
      for (const team of Object.values(teams)) for (const address of team.recipients[name] ?? []) found.add(address);
    }
    // A service may echo only the path of a URL (where the secret part of a webhook URL is).
    for (const value of [...found]) {
      const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+([/?#]\S*)$/i.exec(value)?.[1];
      if (path !== undefined && path.length >= 8) found.add(path);
    }
    // Longest first, so a URL is masked whole before a shorter secret inside it; very short values
    // (a header like `1`) would mask ordinary words and are not secrets worth the name.
    this.secrets = [...found].filter((s) => s.length >= 6).sort((a, b) => b.length - a.length);
  }

  /** `text` with every configured secret masked. */
  mask(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join(maskSecret(secret));
    return out;
  }
}
