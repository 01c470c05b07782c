import { now } from '../clock.js';
import { currentAttemptLog } from './attempt-scope.js';
import { HTTP_ATTEMPTS_OBSERVABLE } from './http-attempt-observer.js';

type Fetch = typeof globalThis.fetch;

function urlOf(input: Parameters<Fetch>[0]): { origin: string; path: string } {
  try {
    const url = typeof input === 'string' || input instanceof URL ? new URL(input) : new URL(input.url);
    return { origin: url.origin, path: url.pathname };
  } catch {
    return { origin: 'unknown:', path: '' };
  }
}

/**
 * A `fetch` for a provider client that notes each request as an attempt of the current model
 * call, for runtimes whose requests Node's diagnostics channels do not show. Where they do
 * (`HTTP_ATTEMPTS_OBSERVABLE`), it is `base` itself: the channels see every request already, and
 * noting it twice would count it twice. Never changes the request or the response.
 */
export function attemptFetch(base?: Fetch): Fetch {
  if (HTTP_ATTEMPTS_OBSERVABLE) return base ?? ((input, init) => globalThis.fetch(input, init));
  return async (input, init) => {
    const inner = base ?? globalThis.fetch;
    const log = currentAttemptLog();
    const url = log ? urlOf(input) : undefined;
    const attempt = url && log?.begin(url.origin, now(), url.path);
    if (!attempt) return inner(input, init);
    try {
      const response = await inner(input, init);
      attempt.status = response.status;
      attempt.endedAt = now();
      return response;
    } catch (error) {
      attempt.error = error;
      attempt.endedAt = now();
      throw error;
    }
  };
}
