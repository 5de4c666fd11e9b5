/** Errors of the notify stage. Every code is listed in `docs/errors.md`. */
import type { Transient } from '../util/resilience.js';

/** Sending one message failed; `retryable` says whether trying again may help. */
export class DeliveryError extends Error implements Transient {
  readonly code = 'DeliveryFailed';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** A message template is missing or does not render. */
export class TemplateError extends Error {
  readonly code = 'InvalidTemplate';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** Anything a channel threw, as a `DeliveryError` (unknown errors are not retried). */
export function asDeliveryError(err: unknown): DeliveryError {
  if (err instanceof DeliveryError) return err;
  return new DeliveryError(err instanceof Error ? err.message : String(err), false, undefined, undefined, { cause: err });
}
