/**
 * Picks the normalizer for a record by its shape: an EventBridge event (by `detail-type`), an API
 * response page (`Findings` / `findings`), or a raw finding of any supported source.
 */
import { redactFinding } from '../redact.js';
import { InputError } from '../errors.js';
import type { Finding } from '../model.js';
import { normalizeAsff } from './asff.js';
import { isObject } from './common.js';
import { type One, pageOf, rawNormalizer } from './shape.js';
import { normalizeConfig } from './config.js';
import { normalizeGuardDuty } from './guardduty.js';
import { normalizeInspector2 } from './inspector2.js';
import { normalizeMacie } from './macie.js';
import { normalizeOcsf } from './ocsf.js';

/** What one input record became: findings, and errors for the parts that could not be read. */
export type Normalized = Finding | InputError;

interface EventSpec {
  many?: true;
  normalize: One;
  /** Facts the event carries beside its findings, kept on each finding. */
  decorate?: (event: Record<string, unknown>, detail: Record<string, unknown>, finding: Finding) => void;
}

/** A Security Hub custom action's name, description and ARN (the event's first resource), kept for routing. */
function customAction(event: Record<string, unknown>, detail: Record<string, unknown>, finding: Finding): void {
  const name = typeof detail.actionName === 'string' ? detail.actionName.slice(0, 256) : '';
  const action: NonNullable<Finding['customAction']> = { name };
  if (typeof detail.actionDescription === 'string') action.description = detail.actionDescription.slice(0, 1024);
  const arn = Array.isArray(event.resources) ? event.resources.find((r): r is string => typeof r === 'string' && r.includes(':action/custom/')) : undefined;
  if (arn !== undefined) action.arn = arn.slice(0, 512);
  finding.customAction = action;
}

/** EventBridge detail-types firebreak reads, with the normalizer for their `detail`. */
const EVENTS = new Map<string, EventSpec>([
  ['GuardDuty Finding', { normalize: normalizeGuardDuty }],
  ['Security Hub Findings - Imported', { many: true, normalize: normalizeAsff }],
  ['Security Hub Findings - Custom Action', { many: true, normalize: normalizeAsff, decorate: customAction }],
  ['Findings Imported V2', { many: true, normalize: normalizeOcsf }],
  ['Inspector2 Finding', { normalize: normalizeInspector2 }],
  ['Macie Finding', { normalize: normalizeMacie }],
  ['Config Rules Compliance Change', { normalize: normalizeConfig }],
]);

/** The EventBridge detail-types firebreak understands. */
export const SUPPORTED_DETAIL_TYPES = [...EVENTS.keys()];

function attempt(fn: One, value: unknown, where: string, what: string): Normalized {
  try {
    return fn(value, where, what);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
}

const MAX_PER_RECORD = 10_000;

/** One finding of an API response page's list, at field path `where`. */
function pageElement(v: unknown, where: string, what: string): Finding {
  if (!isObject(v)) throw new InputError('NotAnObject', `${what}: field "${where}" must be a finding object`, { field: where });
  const fn = rawNormalizer(v);
  if (fn === undefined) throw new InputError('UnsupportedRecord', `${what}: field "${where}" is not a supported finding`, { field: where });
  return fn(v, where, what);
}

function many(fn: One, list: unknown[], where: string, what: string): Normalized[] {
  if (list.length > MAX_PER_RECORD) {
    return [new InputError('TooManyItems', `${what}: field "${where}" has ${list.length} findings; the limit is ${MAX_PER_RECORD}`, { field: where })];
  }
  if (list.length === 0) return [new InputError('EmptyInput', `${what}: field "${where}" holds no findings`, { field: where })];
  return list.map((item, i) => attempt(fn, item, `${where}[${i}]`, what));
}

function decorated(spec: EventSpec, event: Record<string, unknown>, detail: Record<string, unknown>, out: Normalized[]): Normalized[] {
  if (spec.decorate !== undefined) for (const f of out) if (!(f instanceof InputError)) spec.decorate(event, detail, f);
  return out;
}

/**
 * Normalizes one input record. `what` names its position for messages (for example
 * `events.jsonl line 3 (record 2)`). Never throws for bad input: problems come back as `InputError`s
 * beside the findings that could be read.
 */
export function normalizeRecord(value: unknown, what: string, within?: string): Normalized[] {
  const out = normalizeAny(value, what, within);
  // Secrets in a finding's text never go further than this.
  for (const f of out) if (!(f instanceof InputError)) redactFinding(f);
  return out;
}

function normalizeAny(value: unknown, what: string, within?: string): Normalized[] {
  // An element of a page's findings list, streamed on its own by the reader.
  if (within !== undefined) return [attempt(pageElement, value, within, what)];
  if (!isObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return [new InputError('NotAnObject', `${what}: expected a JSON object (an event or a finding), got ${kind}`)];
  }
  const detailType = value['detail-type'];
  if (detailType !== undefined) {
    if (typeof detailType !== 'string') {
      return [new InputError('InvalidField', `${what}: field "detail-type" must be a string`, { field: 'detail-type' })];
    }
    const spec = EVENTS.get(detailType);
    if (spec === undefined) {
      const shown = detailType.length > 80 ? `${detailType.slice(0, 80)}...` : detailType;
      return [
        new InputError(
          'UnsupportedEvent',
          `${what}: EventBridge detail-type ${JSON.stringify(shown)} is not supported; expected one of ${SUPPORTED_DETAIL_TYPES.map((t) => JSON.stringify(t)).join(', ')}`,
          { field: 'detail-type' },
        ),
      ];
    }
    if (typeof value.source !== 'string') {
      const code = value.source === undefined ? 'MissingField' : 'InvalidField';
      return [new InputError(code, `${what}: EventBridge event field "source" ${value.source === undefined ? 'is required but missing' : 'must be a string'}`, { field: 'source' })];
    }
    const detail = value.detail;
    if (!isObject(detail)) {
      const code = detail === undefined ? 'MissingField' : 'InvalidField';
      return [new InputError(code, `${what}: field "detail" ${detail === undefined ? 'is required but missing' : 'must be an object'}`, { field: 'detail' })];
    }
    if (spec.many === true) {
      const findings = detail.findings;
      if (!Array.isArray(findings)) {
        const code = findings === undefined ? 'MissingField' : 'InvalidField';
        return [new InputError(code, `${what}: field "detail.findings" ${findings === undefined ? 'is required but missing' : 'must be an array'}`, { field: 'detail.findings' })];
      }
      return decorated(spec, value, detail, many(spec.normalize, findings, 'detail.findings', what));
    }
    return decorated(spec, value, detail, [attempt(spec.normalize, detail, 'detail', what)]);
  }
  if (isObject(value.detail) && (typeof value.source === 'string' || 'version' in value)) {
    return [new InputError('MissingField', `${what}: an EventBridge event without field "detail-type"; expected one of ${SUPPORTED_DETAIL_TYPES.map((t) => JSON.stringify(t)).join(', ')}`, { field: 'detail-type' })];
  }
  const page = pageOf(value);
  if (page !== undefined) return page.list.length === 0 ? [] : many(pageElement, page.list, page.key, what);
  const fn = rawNormalizer(value);
  if (fn === undefined) {
    return [
      new InputError(
        'UnsupportedRecord',
        `${what}: not a supported finding; expected an EventBridge event (${SUPPORTED_DETAIL_TYPES.join(', ')}) or a GuardDuty, ASFF, OCSF, Inspector, Macie or Config finding`,
      ),
    ];
  }
  return [attempt(fn, value, '', what)];
}
