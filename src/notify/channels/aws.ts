/** The SNS client both SNS channels use, and how its failures are classified. */
import { SNSClient } from '@aws-sdk/client-sns';
import { retryableStatus } from '../../util/resilience.js';
import { DeliveryError } from '../errors.js';

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'TooManyRequestsException', 'KMSThrottlingException', 'RequestLimitExceeded']);

/** An SNS client for `region` (and `endpoint`, for emulators and VPC endpoints); retries are ours. */
export function snsClient(region: string | undefined, endpoint: string | undefined): SNSClient {
  return new SNSClient({
    ...(region === undefined ? {} : { region }),
    ...(endpoint === undefined ? {} : { endpoint }),
    maxAttempts: 1,
  });
}

/** The region of an ARN (`arn:aws:sns:REGION:...`). */
export function arnRegion(arn: string): string | undefined {
  return arn.split(':')[3] || undefined;
}

/** An AWS SDK failure as a `DeliveryError`: throttling, 5xx and network trouble are transient. */
export function awsDeliveryError(service: string, err: unknown): DeliveryError {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number }; $retryable?: unknown };
  const status = e.$metadata?.httpStatusCode;
  const retryable = THROTTLING.has(e.name ?? '') || e.$retryable !== undefined || (status === undefined ? true : retryableStatus(status) && status !== 409);
  return new DeliveryError(`${service}: ${e.name ?? 'Error'}: ${e.message ?? String(err)}`, retryable, status, undefined, { cause: err });
}
