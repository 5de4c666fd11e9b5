/** POSTing a JSON body to a service, with its failure turned into a `DeliveryError`. */
import { retryableStatus, retryAfterMs } from '../../util/resilience.js';
import { DeliveryError } from '../errors.js';

/** Sends `body` to `url`; resolves with the response text, or throws `DeliveryError`. */
export async function postJson(url: string, body: string, headers: Record<string, string>, timeoutMs: number, service: string): Promise<string> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'firebreak', ...headers },
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const why = err instanceof Error && err.name === 'TimeoutError' ? `no answer in ${timeoutMs / 1000} s` : (err as Error).message;
    throw new DeliveryError(`${service}: ${why}`, true, undefined, undefined, { cause: err });
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return text;
  throw new DeliveryError(
    `${service} answered ${response.status}${text === '' ? '' : `: ${text.slice(0, 200)}`}`,
    retryableStatus(response.status),
    response.status,
    retryAfterMs(response.headers.get('retry-after')),
  );
}
