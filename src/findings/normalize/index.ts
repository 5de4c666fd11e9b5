/**
 * Picks the normalizer for a record by its shape: an EventBridge event (by `detail-type`), an API
 * response page (`Findings` / `findings`), or a raw finding of any supported source.
 */
import { InputError } from '../errors.js';
import type { Finding } from '../model.js';
import { normalizeAsff } from './asff.js';
import { isObject } from './common.js';
import { normalizeConfig } from './config.js';
import { normalizeGuardDuty } from './guardduty.js';
import { normalizeInspector2 } from './inspector2.js';
import { normalizeMacie } from './macie.js';
import { normalizeOcsf } from './ocsf.js';

/** What one input record became: findings, and errors for the parts that could not be read. */
export type Normalized = Finding | InputError;

type One = (value: unknown, where: string, what: string) => Finding;

/** EventBridge detail-types firebreak reads, with the normalizer for their `detail`. */
const EVENTS: Record<string, { many?: true; normalize: One }> = {
  'GuardDuty Finding': { normalize: normalizeGuardDuty },
  'Security Hub Findings - Imported': { many: true, normalize: normalizeAsff },
  'Findings Imported V2': { many: true, normalize: normalizeOcsf },
  'Inspector2 Finding': { normalize: normalizeInspector2 },
  'Macie Finding': { normalize: normalizeMacie },
  'Config Rules Compliance Change': { normalize: normalizeConfig },
};

/** The EventBridge detail-types firebreak understands. */
export const SUPPORTED_DETAIL_TYPES = Object.keys(EVENTS);

function rawNormalizer(v: Record<string, unknown>): One | undefined {
  if ('SchemaVersion' in v && 'ProductArn' in v) return normalizeAsff;
  if ('finding_info' in v && 'cloud' in v) return normalizeOcsf;
  if ('findingArn' in v && 'awsAccountId' in v) return normalizeInspector2;
  if ('resourcesAffected' in v && 'accountId' in v) return normalizeMacie;
  if ('service' in v && 'resource' in v && 'accountId' in v) return normalizeGuardDuty;
  if ('configRuleName' in v && 'newEvaluationResult' in v) return normalizeConfig;
  return undefined;
}

function attempt(fn: One, value: unknown, where: string, what: string): Normalized {
  try {
    return fn(value, where, what);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
}

const MAX_PER_RECORD = 10_000;

function many(fn: One, list: unknown[], where: string, what: string): Normalized[] {
  if (list.length > MAX_PER_RECORD) {
    return [new InputError('TooManyItems', `${what}: field "${where}" has ${list.length} findings; the limit is ${MAX_PER_RECORD}`, { field: where })];
  }
  if (list.length === 0) return [new InputError('EmptyInput', `${what}: field "${where}" holds no findings`, { field: where })];
  return list.map((item, i) => attempt(fn, item, `${where}[${i}]`, what));
}

/**
 * Normalizes one input record. `what` names its position for messages (for example
 * `events.jsonl line 3 (record 2)`). Never throws for bad input: problems come back as `InputError`s
 * beside the findings that could be read.
 */
export function normalizeRecord(value: unknown, what: string): Normalized[] {
  if (!isObject(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return [new InputError('NotAnObject', `${what}: expected a JSON object (an event or a finding), got ${kind}`)];
  }
  const detailType = value['detail-type'];
  if (detailType !== undefined) {
    if (typeof detailType !== 'string') {
      return [new InputError('InvalidField', `${what}: field "detail-type" must be a string`, { field: 'detail-type' })];
    }
    const spec = EVENTS[detailType];
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
      return many(spec.normalize, findings, 'detail.findings', what);
    }
    return [attempt(spec.normalize, detail, 'detail', what)];
  }
  for (const key of ['Findings', 'findings']) {
    const list = value[key];
    if (Array.isArray(list) && Object.keys(value).every((k) => k === key || k === 'NextToken' || k === 'nextToken')) {
      return list.length === 0 ? [] : many((v, w, x) => {
        if (!isObject(v)) throw new InputError('NotAnObject', `${x}: field "${w}" must be a finding object`, { field: w });
        const fn = rawNormalizer(v);
        if (fn === undefined) throw new InputError('UnsupportedRecord', `${x}: field "${w}" is not a supported finding`, { field: w });
        return fn(v, w, x);
      }, list, key, what);
    }
  }
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
