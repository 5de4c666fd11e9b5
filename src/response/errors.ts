/** Errors of the response engine. Every code is listed in `docs/errors.md`. */

/**
 * `AwsCredentialsMissing`: the SDK found no credentials. `AccessDenied`: a call was refused (the
 * missing IAM permission is named). `Throttled`: AWS kept throttling after the SDK's retries.
 * `TargetNotFound`: the resource is gone. `AwsCallFailed`: any other AWS error.
 * `ActionRefused`: the action cannot be applied to this target as it is (why is said).
 * `ExecutionNotFound`: no execution has that id.
 */
export const RESPONSE_ERROR_CODES = ['AwsCredentialsMissing', 'AccessDenied', 'Throttled', 'TargetNotFound', 'AwsCallFailed', 'ActionRefused', 'ExecutionNotFound'] as const;
export type ResponseErrorCode = (typeof RESPONSE_ERROR_CODES)[number];

export class ResponseError extends Error {
  constructor(
    readonly code: ResponseErrorCode,
    message: string,
    options?: { cause?: unknown; permission?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ResponseError';
    if (options?.permission !== undefined) this.permission = options.permission;
  }

  /** For `AccessDenied`: the IAM permission the call needed. */
  permission?: string;
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'AuthFailure', 'UnauthorizedAccess', 'InvalidClientTokenId', 'UnrecognizedClientException']);
const THROTTLED = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown', 'RequestThrottled', 'RequestThrottledException', 'ProvisionedThroughputExceededException']);
const GONE = /NotFound|NoSuch(Entity|Bucket|Key)|Nonexistent|DBInstanceNotFound|DBSnapshotNotFound|ResourceNotFoundException|TrailNotFound/;

/** API operations whose IAM action has another name. */
const PERMISSION_NAMES: Readonly<Record<string, string>> = {
  's3:GetPublicAccessBlock': 's3:GetBucketPublicAccessBlock',
  's3:PutPublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3:DeletePublicAccessBlock': 's3:PutBucketPublicAccessBlock',
  's3control:GetPublicAccessBlock': 's3:GetAccountPublicAccessBlock',
  's3control:PutPublicAccessBlock': 's3:PutAccountPublicAccessBlock',
  's3control:DeletePublicAccessBlock': 's3:PutAccountPublicAccessBlock',
};

/** The IAM action an API call needs: `ec2:DescribeInstances`; S3's public access block calls by their IAM names. */
export function permissionOf(operation: string): string {
  return PERMISSION_NAMES[operation] ?? operation;
}

/** Any error of the SDK, as a `ResponseError` saying what `operation` needed. */
export function awsError(err: unknown, operation: string, where: string): ResponseError {
  if (err instanceof ResponseError) return err;
  const e = err as { name?: unknown; message?: unknown; Code?: unknown } | null;
  const name = typeof e?.name === 'string' ? e.name : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return new ResponseError('AwsCredentialsMissing', `no AWS credentials for ${operation} in ${where}: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where a role is available`, { cause: err });
  }
  if (DENIED.has(name) || /not authorized to perform/i.test(message)) {
    const permission = /not authorized to perform:? ([\w-]+:\w+)/i.exec(message)?.[1] ?? permissionOf(operation);
    return new ResponseError('AccessDenied', `access denied: ${operation} in ${where} needs the IAM permission ${permission} (see \`firebreak iam-policy\`): ${message}`, { cause: err, permission });
  }
  if (THROTTLED.has(name)) {
    return new ResponseError('Throttled', `AWS throttled ${operation} in ${where} after retrying; try again later or lower the rate: ${message}`, { cause: err });
  }
  if (GONE.test(name)) return new ResponseError('TargetNotFound', `${operation} in ${where}: ${name}: ${message}`, { cause: err });
  return new ResponseError('AwsCallFailed', `${operation} in ${where} failed: ${name === '' ? '' : `${name}: `}${message}`, { cause: err });
}

/** The AWS error name of `err` (`InvalidGroup.NotFound`, …), or ''. */
export function errorName(err: unknown): string {
  const cause = err instanceof ResponseError ? err.cause : err;
  const name = (cause as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '';
}

/** Whether `err` is one of the AWS errors `names`. */
export const isAwsError = (err: unknown, ...names: string[]): boolean => names.includes(errorName(err));

/** `fn`'s answer, or `none` when AWS answers with one of the errors `names` (the thing asked for is not there). */
export async function orAbsent<T, N>(fn: () => Promise<T>, none: N, ...names: string[]): Promise<T | N> {
  try {
    return await fn();
  } catch (err) {
    if (isAwsError(err, ...names)) return none;
    throw err;
  }
}
