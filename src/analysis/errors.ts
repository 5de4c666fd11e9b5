/** Errors of the analysis stage. Every code is listed in `docs/errors.md`. */

/** The playbook catalog could not be loaded: a file is invalid, or two entries claim one type. */
export class CatalogError extends Error {
  readonly code = 'InvalidCatalog';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CatalogError';
  }
}
