/**
 * The schema of `firebreak.yaml`. Each capability contributes its section; unknown keys are
 * errors, so a typo is reported rather than silently ignored.
 */
import { z } from 'zod';
import { notifySchema } from '../notify/config.js';
import { responseSchema } from '../response/policy.js';
import { checkRouting, routingSchema } from '../routing/config.js';

export const configSchema = z
  .strictObject({
    version: z.literal(1).optional(),
    ...notifySchema,
    ...routingSchema,
    response: responseSchema.optional(),
  })
  .superRefine((config, ctx) => checkRouting(config, ctx));

/** A validated `firebreak.yaml`. */
export type FirebreakConfig = z.infer<typeof configSchema>;
