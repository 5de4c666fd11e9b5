/**
 * What the model never sees. Secrets (secret keys, session tokens, passwords, private keys, bearer
 * and API tokens) are always replaced by `<secret_N>` and never restored. Personal data (e-mail
 * addresses, phone numbers, IP addresses in free text) is replaced by `<email_N>`, `<phone_N>`,
 * `<ip_N>` when configured, and restored in the answer where the model used the placeholder.
 */

/** Kinds of personal data that can be redacted. */
export const PERSONAL_KINDS = ['email', 'phone', 'ip'] as const;
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

/** What to redact besides secrets (always on). */
export interface RedactionOptions {
  personal: readonly PersonalKind[];
}

/** The default: e-mail addresses and phone numbers; IPs in free text stay (they are evidence). */
export const DEFAULT_REDACTION: RedactionOptions = { personal: ['email', 'phone'] };

/** A secret pattern: the whole match is replaced, or only group `value` when the pattern names one. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
  /\b(?:bearer|basic)\s+(?<value>[A-Za-z0-9._~+/=-]{8,})/gi,
  /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g,
  /(?:[a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:(?<value>[^\s/@]+)@/gi,
  /(?:"|\b)(?:aws_?secret_?access_?key|secret_?access_?key|aws_?session_?token|session_?token|security_?token|x-amz-security-token|password|passwd|pwd|pass|secret|client_?secret|api_?key|apikey|access_?token|auth_?token|token|private_?key)"?\s*[:=]\s*(?<value>"[^"]{1,4096}"|'[^']{1,4096}'|[^\s,;&"'}]{1,4096})/gi,
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abeoprs]-[A-Za-z0-9-]{10,}|sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AIza[A-Za-z0-9_-]{30,}|glpat-[A-Za-z0-9_-]{20,})/g,
  // An AWS secret access key: 40 base64 characters with mixed case and a digit, standing alone.
  /(?<![A-Za-z0-9/+=])(?=[A-Za-z0-9/+=]{0,39}[0-9])(?=[A-Za-z0-9/+=]{0,39}[a-z])(?=[A-Za-z0-9/+=]{0,39}[A-Z])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g,
  // STS session tokens and other long opaque credentials.
  /(?<![A-Za-z0-9/+=])(?:FwoGZXIvYXdz|IQoJb3JpZ2lu)[A-Za-z0-9/+=]{20,}/g,
];

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

/**
 * Replaces every secret in `text` with `[redacted]`, for text that leaves firebreak in a message or
 * a log rather than going to a model.
 */
export function redactSecrets(text: string): string {
  return replaceSecrets(text, () => '[redacted]');
}

/** Replaces each secret in `text` (the whole match, or the pattern's `value` group) by `by(secret)`. */
function replaceSecrets(text: string, by: (secret: string) => string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (...args: unknown[]) => {
      const match = args[0] as string;
      const groups = args[args.length - 1] as Record<string, string | undefined> | undefined;
      const value = typeof groups === 'object' ? groups.value : undefined;
      if (value === undefined) return by(match);
      const at = match.lastIndexOf(value);
      return `${match.slice(0, at)}${by(value)}${match.slice(at + value.length)}`;
    });
  }
  return out;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
