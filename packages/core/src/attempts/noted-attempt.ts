import { now } from '../clock.js';
import { currentAttemptLog } from './attempt-scope.js';

/**
 * Sends one request as a noted attempt of the current model call (when there is one): its start,
 * its end and either its status or its error. For the transports Node's diagnostics channels do
 * not show (a `fetch` of another runtime, the AWS SDK's HTTP/2 handler); where the channels do
 * show a request, noting it here too would count it twice. Never changes the request, the
 * result or the error.
 */
export async function sendAsNotedAttempt<T>(
  origin: string,
  path: string | undefined,
  send: () => Promise<T>,
  statusOf: (result: T) => number | undefined,
): Promise<T> {
  const attempt = currentAttemptLog()?.begin(origin, now(), path);
  if (!attempt) return send();
  try {
    const result = await send();
    attempt.status = statusOf(result);
    attempt.endedAt = now();
    return result;
  } catch (error) {
    attempt.error = error;
    attempt.endedAt = now();
    throw error;
  }
}
