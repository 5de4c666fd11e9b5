/** The schema every playbook file is validated against when the catalog loads. */
import { z } from 'zod';

const text = z.string().min(1).max(4000);

export const stepSchema = z.strictObject({
  phase: z.enum(['investigate', 'contain', 'remediate', 'prevent']),
  title: z.string().min(1).max(200),
  detail: text,
  commands: z.array(z.string().min(1).max(1000)).max(10).default([]),
});

export const playbookSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lower-case letters, digits, dots and dashes'),
  title: z.string().min(1).max(200),
  match: z
    .strictObject({
      /** Finding types, exact or a family ending in `*` (`CryptoCurrency:EC2/BitcoinTool.B*`). */
      types: z.array(z.string().min(1).max(256)).default([]),
      /** Security Hub control ids (`EC2.18`). */
      controls: z.array(z.string().regex(/^[A-Za-z0-9]+\.\d+$/)).default([]),
      /** AWS Config managed rules (`required-tags`) no Security Hub control checks. */
      configRules: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/)).default([]),
      /** Only for findings about these resource types (`AwsEcrContainerImage`): one type, a playbook per kind of resource. */
      resourceTypes: z.array(z.string().regex(/^[A-Za-z0-9]+$/)).min(1).optional(),
    })
    .refine((m) => m.types.length + m.controls.length + m.configRules.length > 0, 'a playbook must match at least one type, control or Config rule'),
  summary: text,
  impact: text,
  falsePositives: z.array(text).max(10).default([]),
  steps: z.array(stepSchema).min(1).max(20),
  iac: z
    .strictObject({
      terraform: z.string().min(1).max(20000).optional(),
      cloudformation: z.string().min(1).max(20000).optional(),
      /** Why a fix as code is missing or partial (CloudFormation has no resource for it; the fix is not configuration). */
      note: z.string().min(1).max(400).optional(),
    })
    .refine((i) => i.terraform !== undefined || i.cloudformation !== undefined || i.note !== undefined, 'iac needs terraform, cloudformation or a note')
    .optional(),
  actions: z
    .array(
      z.strictObject({
        action: z.string().regex(/^[a-z0-9]+:[a-z0-9-]+$/),
        target: z.string(),
        reason: z.string().min(1).max(300),
        /** Only propose the action when the finding's facts match (all listed keys must match). */
        when: z
          .strictObject({
            principalType: z.array(z.enum(['IAMUser', 'Role', 'Root', 'AssumedRole', 'FederatedUser'])).optional(),
            connectionDirection: z.array(z.enum(['INBOUND', 'OUTBOUND', 'LOCAL', 'UNKNOWN'])).optional(),
            /** The finding's subject (its first resource) is one of these ASFF types (`AwsEc2Instance`). */
            resourceType: z.array(z.string().regex(/^[A-Za-z0-9]+$/)).min(1).optional(),
          })
          .optional(),
      }),
    )
    .max(10)
    .default([]),
  references: z.array(z.url()).min(1).max(10),
  mitre: z.array(z.string().regex(/^T\d{4}(\.\d{3})?$/)).max(10).default([]),
});

/** A validated playbook, as loaded from its file. */
export type Playbook = z.output<typeof playbookSchema>;
