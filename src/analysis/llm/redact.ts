/**
 * What the model never sees. Secrets (secret keys, session tokens, passwords, private keys, bearer
 * and API tokens) are always replaced by `<secret_N>` and never restored. Personal data (e-mail
 * addresses, phone numbers, IP addresses in free text) is replaced by `<email_N>`, `<phone_N>`,
 * `<ip_N>` when configured, and restored in the answer where the model used the placeholder.
 */

import { replaceSecrets } from '../../util/secrets.js';

export { redactSecrets } from '../../util/secrets.js';

/** Kinds of personal data that can be redacted. */
export const PERSONAL_KINDS = ['email', 'phone', 'ip'] as const;
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

/** What to redact besides secrets (always on). */
export interface RedactionOptions {
  personal: readonly PersonalKind[];
}

/** The default: e-mail addresses and phone numbers; IPs in free text stay (they are evidence). */
export const DEFAULT_REDACTION: RedactionOptions = { personal: ['email', 'phone'] };

const PERSONAL_PATTERNS: Record<PersonalKind, RegExp> = {
  email: /\b[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}\b/g,
  phone: /(?<![\w.+-])\+?\d{1,3}[ .-]?\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4}(?![\w.-])/g,
  ip: /(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?!\w|\.\d)/g,
};

/** What a placeholder looks like: `<name>` or `<name_N>`. */
const TOKEN = '<[A-Za-z][A-Za-z0-9]*(?:_\\d+)?>';
const TOKEN_ONLY = new RegExp(`^${TOKEN}$`);
const TOKENS = new RegExp(TOKEN, 'g');

/** Placeholders for one finding: each stands for a value the model must not see verbatim. */
export class Placeholders {
  /** Whether `text` is shaped like a placeholder (known to this finding or not). */
  static isToken(text: string): boolean {
    return TOKEN_ONLY.test(text);
  }

  private readonly byValue = new Map<string, string>();
  private readonly byToken = new Map<string, { value: string; restore: boolean }>();
  private readonly counts = new Map<string, number>();
  private ordered: [string, string][] | undefined;

  /** The placeholder for `value` under `name` (`<name>`, then `<name_2>`, ...), created once. */
  add(name: string, value: string, restore = true): string {
    const known = this.byValue.get(value);
    if (known !== undefined) return known;
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    const token = n === 1 ? `<${name}>` : `<${name}_${n}>`;
    this.byValue.set(value, token);
    this.byToken.set(token, { value, restore });
    this.ordered = undefined;
    return token;
  }

  /** The value a placeholder stands for, when it may be shown. */
  valueOf(token: string): string | undefined {
    const entry = this.byToken.get(token);
    return entry?.restore === true ? entry.value : undefined;
  }

  /** Replaces every known value (at least 3 characters, as a whole word) in `text` by its placeholder. */
  generalize(text: string): string {
    if (this.ordered === undefined) {
      this.ordered = [...this.byValue.entries()].filter(([v]) => v.length >= 3).sort((a, b) => b[0].length - a[0].length);
    }
    let out = text;
    for (const [value, token] of this.ordered) {
      if (!out.includes(value)) continue;
      out = out.replace(new RegExp(`(?<![\\w-])${escapeRegExp(value)}(?![\\w-]|\\.\\w)`, 'g'), token);
    }
    return out;
  }

  /** Puts values back for placeholders in `text`; secrets become `[redacted]`. */
  restore(text: string, escape: (value: string) => string = (v) => v): string {
    if (!text.includes('<')) return text;
    return text.replace(TOKENS, (token) => {
      const entry = this.byToken.get(token);
      if (entry === undefined) return token;
      return entry.restore ? escape(entry.value) : '[redacted]';
    });
  }

  /** Redacts secrets always and the configured personal data in `text`. */
  redact(text: string, options: RedactionOptions): string {
    let out = replaceSecrets(text, (secret) => this.add('secret', secret, false));
    for (const kind of options.personal) {
      out = out.replace(PERSONAL_PATTERNS[kind], (match) => (match.startsWith('<') ? match : this.add(kind, match)));
    }
    return out;
  }
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
