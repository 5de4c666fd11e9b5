/**
 * What reaches a terminal or a Markdown document from a result. Every string of a finding and its
 * analysis may come from whoever can make a finding happen (a title, a tag, a region, a resource
 * type) or from a model that read one. Before the text and Markdown reports see a result, each
 * string in it is neutralized: C0 and C1 control characters (ESC, BEL, the OSC 8 hyperlink
 * opener, `\r`), DEL, bidirectional overrides and isolates, zero-width and other invisible
 * characters become a visible U+FFFD, so nothing can move the cursor, recolour, relink or reorder
 * what a person reads, and nothing hidden can join two visible halves. Line breaks are kept only
 * in the fields that are code (Terraform and CloudFormation); anywhere else a line break becomes a
 * space, so a value cannot start a new Markdown block or table row.
 */
import { InputError } from '../../findings/errors.js';
import type { TriageResult } from '../../pipeline.js';

// C0 but \n and \t, DEL, C1, the Arabic letter mark, zero-width and bidi marks, LS/PS, word
// joiners and invisible operators, bidi isolates, the Mongolian vowel separator and the BOM.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const BREAKS = /\r\n|[\n\t]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const REPLACEMENT = '\ufffd';

/** One line of text that is safe in a terminal: no control or invisible character, no line break. */
export function terminalLine(text: string): string {
  return text.replace(BREAKS, ' ').replace(UNSAFE, REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT);
}

/** Multi-line code that is safe in a terminal: lines and tabs kept, everything else as in `terminalLine`. */
export function terminalBlock(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(UNSAFE, REPLACEMENT).replace(LONE_SURROGATE, REPLACEMENT);
}

/** Keys whose strings are code: their line breaks are kept. */
const CODE_KEYS: ReadonlySet<string> = new Set(['terraform', 'cloudformation']);

function neutralize(value: unknown, key: string, depth: number): unknown {
  if (typeof value === 'string') return CODE_KEYS.has(key) ? terminalBlock(value) : terminalLine(value);
  // Deeper than any result is nested: nothing useful is left to print.
  if (value === null || typeof value !== 'object' || depth > 32) return value;
  if (Array.isArray(value)) return value.map((v) => neutralize(v, key, depth + 1));
  const out: Record<string, unknown> = {};
  // The raw record is never printed; it stays as it came.
  for (const [k, v] of Object.entries(value)) out[k] = k === 'raw' ? v : neutralize(v, k, depth + 1);
  return out;
}

/**
 * A copy of `result` whose every string (of the finding, its analysis, its routing, and of an
 * error) is neutralized for a terminal or a Markdown document. The error keeps its code and field.
 */
export function safeResult(result: TriageResult): TriageResult {
  if (result.kind === 'error') {
    const { code, message, field } = result.error;
    const error = new InputError(code, terminalLine(message), field === undefined ? undefined : { field: terminalLine(field) });
    return { ...result, error, position: neutralize(result.position, 'position', 0) as typeof result.position };
  }
  return neutralize(result, '', 0) as TriageResult;
}
