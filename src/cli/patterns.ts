/**
 * `firebreak test-pattern` (like `aws events test-event-pattern`) and `firebreak match` (which of
 * my EventBridge rules does each event hit?).
 */
import { readFileSync } from 'node:fs';
import { InputError, describePosition } from '../findings/errors.js';
import { readInputs } from '../findings/read.js';
import { PatternError } from '../routing/errors.js';
import { type CompiledPattern, type PNode, PatternMachine, compilePattern, compilePatternNode, matchesPattern, parsePatternText } from '../routing/pattern/index.js';
import { jsonLine } from './format/json.js';
import { BufferedWriter } from './output.js';
import { EXIT, type TriageIo } from './triage.js';

/** The fields `aws events test-event-pattern` requires of its event. */
const ENVELOPE = ['id', 'account', 'source', 'time', 'region', 'resources', 'detail-type'];

/** Text given on the command line, or the content of the file after `@`. */
export function argumentText(value: string, what: string): string {
  if (!value.startsWith('@')) return value;
  try {
    return readFileSync(value.slice(1), 'utf8');
  } catch (err) {
    throw new InputError('UnreadableInput', `${what} ${value}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
  }
}

function errorLine(code: string, message: string, extra: Record<string, string> = {}): string {
  return `${JSON.stringify({ error: { code, ...extra, message } })}\n`;
}

/** `test-pattern`: prints `{"Result": true|false}`; an invalid pattern or event gives exit 2. */
export function runTestPattern(pattern: string, event: string, io: Pick<TriageIo, 'stdout' | 'stderr'>): number {
  let compiled: CompiledPattern;
  let eventText: string;
  try {
    compiled = compilePattern(argumentText(pattern, '--pattern'));
    eventText = argumentText(event, '--event');
  } catch (err) {
    if (!(err instanceof PatternError) && !(err instanceof InputError)) throw err;
    io.stdout.write(errorLine(err.code, err.message));
    return EXIT.rejected;
  }
  let value: unknown;
  try {
    value = JSON.parse(eventText);
  } catch (err) {
    io.stdout.write(errorLine('InvalidJson', `--event is not valid JSON: ${(err as Error).message}`));
    return EXIT.rejected;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    io.stdout.write(errorLine('NotAnObject', '--event must be a JSON object (an EventBridge event)'));
    return EXIT.rejected;
  }
  const missing = ENVELOPE.filter((k) => !Object.hasOwn(value, k));
  if (missing.length > 0) io.stderr.write(`firebreak: note: EventBridge's TestEventPattern also requires the event fields ${missing.join(', ')}\n`);
  io.stdout.write(`${JSON.stringify({ Result: matchesPattern(compiled, value) })}\n`);
  return EXIT.ok;
}

/** Reads and compiles RULES.json (`{"name": pattern, ...}`), or throws with the first bad rule. */
export function loadRules(file: string): Map<string, CompiledPattern> {
  const text = argumentText(file.startsWith('@') ? file : `@${file}`, '--rules');
  let rules: PNode;
  try {
    rules = parsePatternText(text);
  } catch (err) {
    throw new Error(`--rules ${file}: not valid JSON: ${(err as PatternError).reason} (line ${(err as PatternError).position?.line ?? 1}, column ${(err as PatternError).position?.column ?? 1})`, { cause: err });
  }
  if (rules.kind !== 'object') throw new Error(`--rules ${file}: expected an object of rule names to event patterns`);
  const out = new Map<string, CompiledPattern>();
  for (const { key: name, value: pattern } of rules.entries) {
    try {
      // A pattern may also be given as a string of JSON, as the EventBridge API takes it.
      out.set(name, pattern.kind === 'string' ? compilePattern(pattern.value) : compilePatternNode(pattern));
    } catch (err) {
      if (err instanceof PatternError) throw new RuleError(name, err);
      throw err;
    }
  }
  return out;
}

/** A rule of RULES.json whose pattern EventBridge would refuse. */
export class RuleError extends Error {
  constructor(
    readonly rule: string,
    readonly pattern: PatternError,
  ) {
    super(`rule ${JSON.stringify(rule)}: ${pattern.message}`);
  }
}

/** `match`: one `{"rules": [...]}` line per input event, in order. */
export async function runMatch(rulesFile: string, files: readonly string[], io: TriageIo): Promise<number> {
  let rules: Map<string, CompiledPattern>;
  try {
    rules = loadRules(rulesFile);
  } catch (err) {
    if (!(err instanceof RuleError)) throw err;
    io.stdout.write(errorLine(err.pattern.code, err.pattern.message, { rule: err.rule }));
    return EXIT.rejected;
  }
  const machine = new PatternMachine([...rules].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const out = new BufferedWriter(io.stdout);
  let rejected = 0;
  for await (const item of readInputs(files, io.stdin)) {
    let error: InputError | undefined = item.kind === 'error' ? item.error : undefined;
    if (item.kind === 'record' && (item.value === null || typeof item.value !== 'object' || Array.isArray(item.value))) {
      error = new InputError('NotAnObject', `${describePosition(item.position)}: expected a JSON object (an event), got ${item.value === null ? 'null' : Array.isArray(item.value) ? 'an array' : typeof item.value}`);
    }
    if (error !== undefined) {
      rejected += 1;
      await out.write(`${jsonLine({ kind: 'error', error, position: item.position })}\n`);
    } else if (item.kind === 'record') {
      await out.write(`${JSON.stringify({ rules: machine.match(item.value) })}\n`);
    }
  }
  await out.flush();
  if (rejected > 0) io.stderr.write(`firebreak: ${rejected} input record(s) rejected; see the "error" lines\n`);
  return rejected > 0 ? EXIT.rejected : EXIT.ok;
}
