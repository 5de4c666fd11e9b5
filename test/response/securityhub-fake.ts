/**
 * A stand-in for Security Hub's `BatchUpdateFindings`, which moto does not implement. It checks
 * each request against the AWS SDK's own service model (the request structure's members, their
 * types and which are required, from `@aws-sdk/client-securityhub`'s schemas; the workflow
 * statuses from its enum) and AWS's documented limits (1 to 100 finding identifiers, a note of at
 * most 512 characters by an updater of at most 128), and answers as AWS documents:
 * `{ProcessedFindings, UnprocessedFindings}`, with `FindingNotFound` for findings it does not hold.
 * It can throttle the first requests with `429 TooManyRequestsException`.
 */
import { BatchUpdateFindingsRequest$, WorkflowStatus } from '@aws-sdk/client-securityhub';
import type { Fault } from './proxy.js';

type Schema = unknown;

/** Errors of `value` against an SDK schema (the smithy schema tuples the client is generated with). */
export function validateShape(schema: Schema, value: unknown, path: string, errors: string[]): void {
  const s = typeof schema === 'function' ? (schema as () => Schema)() : schema;
  if (typeof s === 'number') {
    if (s & 64) {
      if (!Array.isArray(value)) errors.push(`${path} must be a list`);
      else value.forEach((v, i) => validateShape(s & ~64, v, `${path}[${i}]`, errors));
    } else if (s & 128) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) errors.push(`${path} must be a map`);
      else for (const [k, v] of Object.entries(value)) validateShape(s & ~128, v, `${path}.${k}`, errors);
    } else if (s === 0 && typeof value !== 'string') errors.push(`${path} must be a string`);
    else if (s === 1 && typeof value !== 'number') errors.push(`${path} must be a number`);
    else if (s === 2 && typeof value !== 'boolean') errors.push(`${path} must be a boolean`);
    return;
  }
  if (!Array.isArray(s)) return;
  const kind = s[0] as number;
  if (kind === 3) {
    const [, , name, , members, types, required = 0] = s as [number, string, string, unknown, string[], Schema[], number?];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      errors.push(`${path} must be a ${name} structure`);
      return;
    }
    for (const key of Object.keys(value)) if (!members.includes(key)) errors.push(`${path}.${key} is not a member of ${name}`);
    members.forEach((m, i) => {
      const v = (value as Record<string, unknown>)[m];
      if (v === undefined) {
        if (i < required) errors.push(`${path}.${m} is required by ${name}`);
        return;
      }
      validateShape(types[i], v, `${path}.${m}`, errors);
    });
  } else if (kind === 1) {
    if (!Array.isArray(value)) errors.push(`${path} must be a list`);
    else value.forEach((v, i) => validateShape(s[4], v, `${path}[${i}]`, errors));
  } else if (kind === 2) {
    if (typeof value !== 'object' || value === null) errors.push(`${path} must be a map`);
    else for (const [k, v] of Object.entries(value)) validateShape(s[5], v, `${path}.${k}`, errors);
  }
}

interface Identifier {
  Id: string;
  ProductArn: string;
}

/** The fake's findings and what it was asked. */
export class SecurityHubFake {
  /** Workflow status and note per finding id, as updated. */
  readonly findings = new Map<string, { status?: string; note?: string }>();
  /** Every valid request body, in order. */
  readonly requests: { FindingIdentifiers: Identifier[]; Workflow?: { Status?: string }; Note?: { Text: string; UpdatedBy: string } }[] = [];
  /** Requests rejected as invalid, with why. */
  readonly invalid: string[][] = [];
  throttled = 0;

  constructor(
    known: readonly string[],
    private throttleFirst = 0,
  ) {
    for (const id of known) this.findings.set(id, {});
  }

  /** Answers one `PATCH /findings/batchupdate` body. */
  handle(body: string): Fault {
    const json = (status: number, value: unknown, type?: string): Fault => ({ status, body: JSON.stringify(value), headers: { 'content-type': 'application/json', ...(type === undefined ? {} : { 'x-amzn-errortype': type }) } });
    if (this.throttleFirst > 0) {
      this.throttleFirst -= 1;
      this.throttled += 1;
      return json(429, { message: 'Rate exceeded' }, 'TooManyRequestsException');
    }
    let request: SecurityHubFake['requests'][number];
    try {
      request = JSON.parse(body) as SecurityHubFake['requests'][number];
    } catch {
      return json(400, { message: 'body is not JSON' }, 'InvalidInputException');
    }
    const errors: string[] = [];
    validateShape(BatchUpdateFindingsRequest$, request, 'BatchUpdateFindingsRequest', errors);
    const ids = Array.isArray(request.FindingIdentifiers) ? request.FindingIdentifiers : [];
    if (ids.length < 1 || ids.length > 100) errors.push(`FindingIdentifiers holds ${ids.length} items; 1 to 100 are allowed`);
    if (request.Note !== undefined && (request.Note.Text.length > 512 || request.Note.UpdatedBy.length > 128)) errors.push('Note.Text is limited to 512 characters and Note.UpdatedBy to 128');
    const status = request.Workflow?.Status;
    if (status !== undefined && !Object.values(WorkflowStatus).includes(status as never)) errors.push(`Workflow.Status ${status} is not one of ${Object.values(WorkflowStatus).join(', ')}`);
    if (errors.length > 0) {
      this.invalid.push(errors);
      return json(400, { message: errors.join('; ') }, 'InvalidInputException');
    }
    this.requests.push(request);
    const processed: Identifier[] = [];
    const unprocessed: { FindingIdentifier: Identifier; ErrorCode: string; ErrorMessage: string }[] = [];
    for (const id of ids) {
      const finding = this.findings.get(id.Id);
      if (finding === undefined) {
        unprocessed.push({ FindingIdentifier: id, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' });
        continue;
      }
      if (status !== undefined) finding.status = status;
      if (request.Note !== undefined) finding.note = request.Note.Text;
      processed.push(id);
    }
    return json(200, { ProcessedFindings: processed, UnprocessedFindings: unprocessed });
  }
}
