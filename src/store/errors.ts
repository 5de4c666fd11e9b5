/** Errors of the finding store. Every code is listed in `docs/errors.md`. */

/**
 * `StoreUnavailable`: the store cannot be opened or used (driver missing, file unreadable, newer
 * schema, disk full). `StoreBusy`: another firebreak run held the store longer than the busy
 * timeout allows.
 */
export type StoreErrorCode = 'StoreUnavailable' | 'StoreBusy';

export class StoreError extends Error {
  readonly code: StoreErrorCode;
  constructor(message: string, options?: { cause?: unknown; code?: StoreErrorCode }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = options?.code ?? 'StoreUnavailable';
  }
}
