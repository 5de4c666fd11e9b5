/** Errors of the finding store. Every code is listed in `docs/errors.md`. */

/** The store cannot be opened or used (driver missing, file unreadable, newer schema). */
export class StoreError extends Error {
  readonly code = 'StoreUnavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}
