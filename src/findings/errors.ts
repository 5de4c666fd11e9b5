/**
 * Errors raised while reading and normalizing findings. Each has a stable `code` that scripts
 * can rely on (`firebreak triage --format json` prints it) and a message naming the field and
 * the record's position. Every code is listed in `docs/errors.md`.
 */

import { redactSecrets } from '../util/secrets.js';

/** Where a record came from: the file (or `-` for stdin) and its 0-based index in that input. */
export interface InputPosition {
  file: string;
  index: number;
  /** 1-based line for JSON Lines input. */
  line?: number;
}

/** Stable codes of input errors. */
export const INPUT_ERROR_CODES = [
  'InvalidJson',
  'RecordTooLarge',
  'NotAnObject',
  'UnsupportedEvent',
  'UnsupportedRecord',
  'MissingField',
  'InvalidField',
  'FieldTooLong',
  'TooManyItems',
  'EmptyInput',
  'UnreadableInput',
  'CorruptInput',
  'RecordFailed',
] as const;

/** One of the stable input error codes. */
export type InputErrorCode = (typeof INPUT_ERROR_CODES)[number];

/** A record that could not be turned into a finding. The rest of the batch is unaffected. */
export class InputError extends Error {
  readonly code: InputErrorCode;
  /** Dotted path of the offending field inside the record, when one is to blame. */
  readonly field: string | undefined;

  constructor(code: InputErrorCode, message: string, options?: { field?: string; cause?: unknown }) {
    // Messages may quote the bad value; a secret in it never goes further.
    super(redactSecrets(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InputError';
    this.code = code;
    this.field = options?.field;
  }

  /** The `{code, message}` object printed by the CLI. */
  toJSON(): { code: InputErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** Formats a position for messages: `findings.jsonl line 3 (record 2)`. */
export function describePosition(pos: InputPosition): string {
  const name = pos.file === '-' ? 'stdin' : pos.file;
  return pos.line === undefined ? `${name} record ${pos.index}` : `${name} line ${pos.line} (record ${pos.index})`;
}

/**
 * The coded error for an unexpected failure while processing one record (a bug, not bad input):
 * the record is reported and the batch goes on.
 */
export function recordFailed(err: unknown, what: string, stage: string): InputError {
  return new InputError('RecordFailed', `${what}: firebreak failed while ${stage} this record (${briefly(err)}); the rest of the input goes on`, { cause: err });
}

/** An error's message, cut to 200 characters for a one-line report. */
export function briefly(err: unknown): string {
  const detail = err instanceof Error ? err.message : String(err);
  return detail.length > 200 ? `${detail.slice(0, 200)}...` : detail;
}

