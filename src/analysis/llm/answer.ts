/**
 * The shape a model must answer in, given to it as a tool's input schema and validated with zod on
 * the way back. Limits keep a runaway answer from flooding a message or a terminal.
 */
import { z } from 'zod';

const line = (max: number) => z.string().trim().min(1).max(max);

/** One step of the model's answer. */
const StepSchema = z.strictObject({
  phase: z.enum(['investigate', 'contain', 'remediate', 'prevent']),
  title: line(160),
  detail: line(1200),
  commands: z.array(line(600)).max(8).default([]),
});

/** One action the model proposes. Grounding happens after validation, not in the schema. */
const ActionSchema = z.strictObject({
  action: line(64),
  target: line(256),
  reason: line(300),
});

/** The model's answer, as the `record_analysis` tool's input. */
export const AnswerSchema = z.strictObject({
  headline: line(140),
  summary: line(1500),
  impact: line(1200),
  falsePositives: z.array(line(400)).max(6).default([]),
  steps: z.array(StepSchema).max(12),
  iac: z
    .strictObject({
      terraform: line(8000).optional(),
      cloudformation: line(8000).optional(),
    })
    .optional(),
  actions: z.array(ActionSchema).max(10).default([]),
  references: z.array(line(300)).max(6).default([]),
  mitre: z.array(line(16)).max(6).default([]),
  confidence: z.number().min(0).max(1),
});

/** A validated answer. */
export type Answer = z.infer<typeof AnswerSchema>;

/** The tool the model must call. */
export const ANSWER_TOOL = {
  name: 'record_analysis',
  description: 'Record the analysis of the security finding.',
} as const;

/** The answer's JSON Schema, compact (no `$schema`, no descriptions): it is sent with every call. */
export function answerJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(AnswerSchema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  delete schema.$schema;
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
