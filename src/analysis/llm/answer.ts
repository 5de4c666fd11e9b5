/**
 * The shape a model must answer in. It is sent as the `record_analysis` tool's input schema (kept
 * small: it goes with every call) and validated with zod on the way back, where the limits are
 * enforced, so a runaway answer cannot flood a message or a terminal. Unknown keys are dropped.
 */
import { z } from 'zod';

const line = (max: number) => z.string().trim().min(1).max(max);

export const PHASES = ['investigate', 'contain', 'remediate', 'prevent'] as const;

/** The model's answer, as the `record_analysis` tool's input. */
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
  iac: z.object({ terraform: line(8000).optional(), cloudformation: line(8000).optional() }).optional(),
  actions: z.array(z.object({ action: line(64), target: line(256), reason: line(300) })).max(10).default([]),
  confidence: z.number().min(0).max(1),
});

/** A validated answer. */
export type Answer = z.infer<typeof AnswerSchema>;

/** The tool the model must call. */
export const ANSWER_TOOL = { name: 'record_analysis', description: 'Record the analysis.' } as const;

const S = { type: 'string' };

/**
 * The tool's input schema as sent: the top-level fields and their types. The nested shapes are
 * spelled out in the system prompt, which costs a third of the tokens of a full JSON Schema; zod
 * checks everything on the way back and a failed check earns one repair.
 */
export const TOOL_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: {
    summary: S,
    impact: S,
    falsePositives: { type: 'array' },
    steps: { type: 'array' },
    iac: { type: 'object' },
    actions: { type: 'array' },
    confidence: { type: 'number' },
  },
  required: ['summary', 'impact', 'steps', 'actions', 'confidence'],
};

/** Validates a model's output; returns the answer or one line per problem. */
export function parseAnswer(value: unknown): { ok: true; answer: Answer } | { ok: false; problems: string[] } {
  const result = AnswerSchema.safeParse(value);
  if (result.success) return { ok: true, answer: result.data };
  return {
    ok: false,
    problems: result.error.issues.slice(0, 12).map((i) => `${i.path.length === 0 ? '(answer)' : i.path.join('.')}: ${i.message}`),
  };
}
