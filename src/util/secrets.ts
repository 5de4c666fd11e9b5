/**
 * Secrets in text: found and replaced before any text leaves firebreak (in output, a message, a
 * prompt, a log line or an error message). The patterns follow the rule families of the common
 * secret scanners (gitleaks, secretlint, detect-secrets): private key blocks of every kind (PEM and
 * PGP), HTTP authorization values, JWTs, credentials inside URLs, chat and collaboration webhook
 * URLs, provider tokens with a fixed prefix, AWS secret keys and session tokens, and assignments or
 * command-line options whose name says password, secret, token or key (`DB_PASSWORD=...`,
 * `--password ...`).
 *
 * Text is normalized before it is searched, so a secret cannot hide from the patterns: invisible
 * characters (zero-width spaces, word joiners, soft hyphens, bidi marks) are removed, and
 * percent-encoded runs are decoded for matching (`wJalr...%2FK7MDENG...`). The text that comes out
 * has the invisible characters removed too, so nothing can reassemble a secret after redaction.
 */

// Zero-width and invisible characters, bidi marks and isolates, soft hyphen, BOM.
const INVISIBLES = '\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff';
const INVISIBLE_ALL = new RegExp(`[${INVISIBLES}]`, 'g');

const VALUE = String.raw`(?<value>"[^"\n]{1,4096}"|'[^'\n]{1,4096}'|[^\s,;&"'}<>]{1,4096})`;
const NAME = String.raw`(?:password|passwd|passphrase|pwd|pass|secret|client_?secret|api_?key|apikey|access_?key|secret_?key|private_?key|access_?token|auth_?token|session_?token|security_?token|refresh_?token|token|credentials?|x-amz-security-token)`;

/** A secret pattern: the whole match is replaced, or only group `value` when the pattern names one. */
const SECRET_PATTERNS: readonly RegExp[] = [
  // Private keys: PEM (RSA, EC, OpenSSH, encrypted, PKCS#8) and PGP armoured blocks; to the end of the text when unterminated.
  /-----BEGIN [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|$)/g,
  // HTTP authorization values.
  /\b(?:bearer|basic)\s+(?<value>[A-Za-z0-9._~+/=-]{8,})/gi,
  // JSON Web Tokens.
  /\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}/g,
  // The password of a URL's user info (`scheme://user:password@host`).
  /(?:[a-z][a-z0-9+.-]*:\/\/)[^\s/:@]+:(?<value>[^\s/@]+)@/gi,
  // Incoming-webhook URLs whose path is the credential: Slack, Microsoft Teams / Power Automate, Discord.
  /\bhttps?:\/\/hooks\.slack(?:-gov)?\.com\/(?<value>(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+)/gi,
  /\bhttps?:\/\/[a-z0-9.-]*(?:webhook\.office\.com|logic\.azure\.com|environment\.api\.powerplatform\.com)(?::\d+)?\/(?<value>[^\s"'<>]+)/gi,
  /\bhttps?:\/\/(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/(?<value>[^\s"'<>]+)/gi,
  // A name that says secret, then = or :, then the value: `DB_PASSWORD=...`, `"client_secret": "..."`, `aws_secret_access_key = ...`.
  new RegExp(String.raw`(?:"|\b)(?:[A-Za-z0-9]+[_.-])*${NAME}"?\s*[:=]\s*${VALUE}`, 'gi'),
  // A command-line option that says secret, then its value: `--password hunter2`, `--db-password=...`, `--secret-key ...`.
  new RegExp(String.raw`(?<![\w-])--(?:[a-z0-9]+-)*${NAME.replace(/_\?/g, '[_-]?')}(?:=|\s+)${VALUE}`, 'gi'),
  // Provider tokens with a fixed prefix: GitHub, Slack, OpenAI, Anthropic, Google, GitLab, npm, PyPI, Stripe, SendGrid, Twilio.
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abeoprs]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,}|sk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}|AIza[A-Za-z0-9_-]{30,}|glpat-[A-Za-z0-9_-]{20,}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}|(?:sk|rk)_live_[A-Za-z0-9]{20,}|SG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}|SK[0-9a-f]{32})/g,
  // An AWS secret access key: 40 base64 characters with mixed case and a digit, standing alone (`key=` may precede it).
  /(?<![A-Za-z0-9/+])(?=[A-Za-z0-9/+=]{0,39}[0-9])(?=[A-Za-z0-9/+=]{0,39}[a-z])(?=[A-Za-z0-9/+=]{0,39}[A-Z])[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/g,
  // AWS STS session tokens (every generation's prefix) and other long opaque credentials.
  /(?<![A-Za-z0-9/+=])(?:FwoGZXIvYXdz|IQoJb3JpZ2lu|AQoDYXdz|AQoEXAMPLE)[A-Za-z0-9/+=]{20,}/g,
];

// Cheap necessary conditions, checked first, so that most text costs a few quick scans: every
// secret pattern needs a fixed prefix or marker, a word (bearer, a webhook host), a secret's name
// followed by `=` or `:`, a run of 40 base64 characters, or (hidden) an invisible character.
const HINT_MARKS = /gh[pousr]_|github_pat_|xox|xapp-|sk-|AIza|glpat-|npm_|pypi-|SG\.|_live_|SK[0-9a-f]{32}|FwoGZXIvYXdz|IQoJb3JpZ2lu|AQoDYXdz|AQoEXAMPLE|eyJ|PRIVATE KEY|%[0-9A-Fa-f]{2}|:\/\/[^\s/@]*:[^\s/@]*@|--/;
const HINT_WORDS = /bearer|basic|hooks\.slack|webhook|logic\.azure|powerplatform|discord/i;
const INVISIBLE = new RegExp(`[${INVISIBLES}]`);
// Every name the assignment pattern knows ends in one of these.
const NAMED = /(?:pass(?:word|wd|phrase)?|pwd|secret|key|token|credentials?)"?\s*[:=]/i;

// The characters of base64, as a table.
const BASE64 = new Uint8Array(128);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+=') BASE64[ch.charCodeAt(0)] = 1;
const isBase64 = (c: number): boolean => c < 128 && BASE64[c] === 1;

/**
 * Whether a run of base64 characters at least 40 long occurs (an AWS secret key needs one). Any
 * such run covers a position that is 39 modulo 40, so only those are looked at, and around them.
 */
function hasLongRun(text: string): boolean {
  const n = text.length;
  for (let i = 39; i < n; i += 40) {
    if (!isBase64(text.charCodeAt(i))) continue;
    let a = i;
    while (a > 0 && isBase64(text.charCodeAt(a - 1))) a -= 1;
    let b = i;
    while (b + 1 < n && isBase64(text.charCodeAt(b + 1))) b += 1;
    if (b - a + 1 >= 40) return true;
    i = b;
  }
  return false;
}

/** Whether `text` may hold a secret (a cheap test; `false` is certain). */
export function maySecret(text: string): boolean {
  return hasLongRun(text) || HINT_MARKS.test(text) || NAMED.test(text) || HINT_WORDS.test(text) || INVISIBLE.test(text);
}

// A run of URL characters holding at least one percent escape.
const ENCODED_RUN = /[A-Za-z0-9._~+/=:%-]*%[0-9A-Fa-f]{2}[A-Za-z0-9._~+/=:%-]*/g;

function decodePercent(text: string): string {
  let out = text;
  // Twice, for values encoded twice (`%252F`).
  for (let k = 0; k < 2 && /%[0-9A-Fa-f]{2}/.test(out); k += 1) {
    try {
      out = decodeURIComponent(out);
    } catch {
      out = out.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
    }
  }
  return out;
}

/** Replaces each secret in `text` (the whole match, or the pattern's `value` group) by `by(secret)`. */
function replacePlain(text: string, by: (secret: string) => string): string {
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

/**
 * Replaces every secret in `text` by `by(secret)`, after removing invisible characters; a
 * percent-encoded run that hides a secret is replaced, decoded, with the secret in it replaced.
 */
export function replaceSecrets(text: string, by: (secret: string) => string): string {
  if (!maySecret(text)) return text;
  let out = text.replace(INVISIBLE_ALL, '');
  if (out.includes('%')) {
    out = out.replace(ENCODED_RUN, (run) => {
      const decoded = decodePercent(run);
      if (decoded === run) return run;
      const redacted = replacePlain(decoded, by);
      return redacted === decoded ? run : redacted;
    });
  }
  return replacePlain(out, by);
}

/** Replaces every secret in `text` with `[redacted]` (see `replaceSecrets`). */
export function redactSecrets(text: string): string {
  return replaceSecrets(text, () => '[redacted]');
}
