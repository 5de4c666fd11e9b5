/**
 * The shape a model must answer in. The `record_analysis` tool's input schema is the full JSON
 * Schema generated from a zod schema (enums for the phases and the action vocabulary, every field
 * required, `additionalProperties: false`, optional parts nullable), so a model that follows the
 * schema alone (strict structured output, constrained decoding) answers in the right shape. It is
 * the same on every call, first in the request, where providers cache it. On the way back the
 * answer is validated with zod, where the length limits are enforced, so a runaway answer cannot
 * flood a message or a terminal. Unknown keys are dropped.
 */
import { z } from 'zod';
import { listActions } from '../../response/registry.js';

const line = (max: number) => z.string().trim().min(1).max(max);
/** Absent or null (strict schemas send null for an optional part) both mean "none". */
const none = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const PHASES = ['investigate', 'contain', 'remediate', 'prevent'] as const;

/** The model's answer as validated on the way back. */
export const AnswerSchema = z.object({
  summary: line(1500),
  impact: line(1200),
  falsePositives: z.array(line(400)).max(6).default([]),
  steps: z
    .array(
      z.object({
        phase: z.enum(PHASES),
        title: line(160),
        detail: line(1200),
        commands: z.array(line(600)).max(8).default([]),
      }),
    )
    .max(12),
  iac: none(z.object({ terraform: none(line(8000)), cloudformation: none(line(8000)) })),
  actions: z.array(z.object({ action: line(64), target: line(256), reason: line(300) })).max(10).default([]),
  confidence: z.number().min(0).max(1),
});

/** A validated answer. */
export type Answer = z.output<typeof AnswerSchema>;

/** The tool the model must call. */
export const ANSWER_TOOL = { name: 'record_analysis', description: 'Record the analysis of the security finding.' } as const;

/** The schema the model is given: the answer's shape with enums, every key required, no length limits (strict modes refuse them). */
function wireSchema(actions: readonly [string, ...string[]]) {
  // What each field means is in the system prompt; descriptions here would be paid twice.
  const text = (_about: string) => z.string();
  return z.object({
    summary: text('What happened, in plain words, naming the resources by their placeholders.'),
    impact: text('Why it matters to this account.'),
    falsePositives: z.array(text('A common benign explanation.')).max(6),
    steps: z
      .array(
        z.object({
          phase: z.enum(PHASES),
          title: text('Short imperative title.'),
          detail: text('What to do and why.'),
          commands: z.array(text('One AWS CLI command with --region <region>.')).max(8),
        }),
      )
      .min(1)
      .max(12),
    iac: z
      .object({ terraform: text('Self-contained Terraform (HCL).').nullable(), cloudformation: text('Self-contained CloudFormation YAML with a Resources section.').nullable() })
      .nullable(),
    actions: z
      .array(z.object({ action: z.enum(actions), target: text('A placeholder from the finding, of the kind the action takes.'), reason: text('Why, in one line.') }))
      .max(10),
    confidence: z.number().min(0).max(1),
  });
}

let schema: Record<string, unknown> | undefined;

/** The tool's input schema as sent: JSON Schema from zod, without `$schema` (some providers refuse it). */
export function toolSchema(): Record<string, unknown> {
  if (schema !== undefined) return schema;
  const names = listActions().map((a) => a.name);
  const { $schema: _drop, ...rest } = z.toJSONSchema(wireSchema(names as [string, ...string[]])) as Record<string, unknown>;
  schema = rest;
  return schema;
}

/** Validates a model's output; returns the answer or one line per problem. */
export function parseAnswer(value: unknown): { ok: true; answer: Answer } | { ok: false; problems: string[] } {
  const result = AnswerSchema.safeParse(value);
  if (result.success) return { ok: true, answer: result.data };
  return {
    ok: false,
    problems: result.error.issues.slice(0, 12).map((i) => `${i.path.length === 0 ? '(answer)' : i.path.join('.')}: ${i.message}`),
  };
}
