/**
 * How EventBridge sees values: numbers as fixed-point with six decimals between -5e9 and 5e9,
 * IP addresses as bytes, wildcards as `*` with `\*` and `\\` escapes, and case folded per
 * character.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { Glob } from '../../util/glob.js';

const LIMIT_MICROS = 5_000_000_000n * 1_000_000n;

/**
 * A number's text as integer millionths, the way EventBridge compares numbers. Throws with
 * AWS's words when the number has more than six decimals or lies outside ±5,000,000,000.
 */
export function microsOfText(text: string): number {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (m === null) throw new Error(`Invalid number ${text}`);
  const [, sign = '', whole = '', frac = '', exp = '0'] = m;
  let digits = (whole + frac).replace(/^0+(?=\d)/, '');
  let scale = frac.length - Number(exp);
  while (scale > 0 && digits.length > 1 && digits.endsWith('0')) {
    digits = digits.slice(0, -1);
    scale -= 1;
  }
  if (/^0+$/.test(digits)) return 0;
  if (scale > 6) throw new Error(`Only values upto 6 decimals are supported: ${text}`);
  if (scale < -30) throw new Error('Value must be between -5000000000 and 5000000000, inclusive');
  const micros = BigInt(digits) * 10n ** BigInt(6 - scale);
  if (micros > LIMIT_MICROS) throw new Error('Value must be between -5000000000 and 5000000000, inclusive');
  return Number(sign === '-' ? -micros : micros);
}

/** An event's number as millionths, or undefined when EventBridge could not compare it numerically. */
export function microsOfNumber(n: number): number | undefined {
  if (!Number.isFinite(n) || Math.abs(n) > 5e9) return undefined;
  const micros = Math.round(n * 1e6);
  return micros / 1e6 === n ? micros : undefined;
}

function v4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

function v6Bytes(ip: string): number[] {
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [head = '', rest] = ip.split('::');
  const h = groups(head);
  const r = rest === undefined ? [] : groups(rest);
  const all = rest === undefined ? h : [...h, ...new Array<number>(8 - h.length - r.length).fill(0), ...r];
  return all.flatMap((g) => [g >> 8, g & 255]);
}

// What event-ruler takes for an address before parsing it: IPv6 written with hex digits and colons
// only, so `::ffff:10.0.0.1` (a dotted tail) is no address at all.
const LOOKS_V4 = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const LOOKS_V6 = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * An IP address as the bytes event-ruler compares: 4 for IPv4, 16 for IPv6, and 4 for an
 * IPv4-mapped IPv6 address (`::ffff:a00:1` is 10.0.0.1, as Java's address parser has it).
 * Undefined when `s` is no address; `looksLike` says whether it had the form of one.
 */
function ipBytes(s: string): { bytes: number[] | undefined; looksLike: boolean } {
  if (LOOKS_V4.test(s)) return { bytes: isIPv4(s) ? v4Bytes(s) : undefined, looksLike: true };
  if (!LOOKS_V6.test(s)) return { bytes: undefined, looksLike: false };
  if (!isIPv6(s)) return { bytes: undefined, looksLike: true };
  const bytes = v6Bytes(s);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return { bytes: mapped ? bytes.slice(12) : bytes, looksLike: true };
}

const hex = (bytes: readonly number[]): string => bytes.map((b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

/** An IP address as upper-case hex of its 4 or 16 bytes, or undefined when `s` is not one. */
export function ipHex(s: string): string | undefined {
  const { bytes } = ipBytes(s);
  return bytes === undefined ? undefined : hex(bytes);
}

/**
 * The inclusive hex range of a CIDR block as event-ruler computes it: host bits cleared for the
 * low end and set for the high end (`10.0.0.77/24` is 10.0.0.0 to 10.0.0.255; `::1/127` covers `::`).
 * An IPv4 range matches only IPv4 addresses and an IPv6 range only IPv6 ones.
 */
export function cidrRange(cidr: string): { lo: string; hi: string } {
  const parts = cidr.split('/');
  if (parts.length !== 2) throw new Error("Malformed CIDR, one '/' required");
  const bitsText = parts[1] ?? '';
  if (!/^[+-]?\d+$/.test(bitsText)) throw new Error('Malformed CIDR, mask bits must be an integer');
  const bits = Number(bitsText);
  if (bits < 0) throw new Error('Malformed CIDR, mask bits must not be negative');
  const address = parts[0] ?? '';
  const { bytes, looksLike } = ipBytes(address);
  if (bytes === undefined) throw new Error(`${looksLike ? 'Invalid' : 'Nonstandard'} IP address: ${address}`);
  const v4 = bytes.length === 4;
  if (v4 && bits > 31) throw new Error('IPv4 mask bits must be < 32');
  if (!v4 && bits > 127) throw new Error('IPv6 mask bits must be < 128');
  const total = v4 ? 32 : 128;
  const value = BigInt(`0x${hex(bytes)}`);
  const host = (1n << BigInt(total - bits)) - 1n;
  const digits = bytes.length * 2;
  return { lo: (value & ~host).toString(16).toUpperCase().padStart(digits, '0'), hi: (value | host).toString(16).toUpperCase().padStart(digits, '0') };
}

/**
 * Checks a wildcard the way AWS does (positions count bytes of the quoted value) and returns it as
 * a glob over the quoted value. Throws on `**` and on escapes other than `\\*`, `\\\\`.
 */
export function wildcardGlob(text: string): Glob {
  const quoted = `"${text}"`;
  const parts: string[] = [];
  let part = '';
  let bytePos = 0;
  const chars = Array.from(quoted);
  for (let k = 0; k < chars.length; k += 1) {
    const ch = chars[k] ?? '';
    if (ch === '*') {
      if (chars[k + 1] === '*') throw new Error(`Consecutive wildcard characters at pos ${bytePos}`);
      parts.push(part);
      part = '';
    } else if (ch === '\\') {
      const next = chars[k + 1];
      if (next !== '*' && next !== '\\') throw new Error(`Invalid escape character at pos ${bytePos}`);
      part += next;
      k += 1;
      bytePos += 1;
    } else {
      part += ch;
    }
    bytePos += Buffer.byteLength(ch);
  }
  parts.push(part);
  return new Glob(parts);
}

/** Folds case one character at a time, keeping the length, as EventBridge's ignore-case matching does. */
export function foldCase(s: string): string {
  let out = '';
  for (const ch of s) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}
