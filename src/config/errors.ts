/** Errors of configuration loading. Every code is listed in `docs/errors.md`. */

/** A configuration file is missing, not YAML, or invalid; the message names file, line and column. */
export class ConfigError extends Error {
  readonly code = 'InvalidConfig';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConfigError';
  }
}
