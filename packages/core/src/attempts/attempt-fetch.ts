import { HTTP_ATTEMPTS_OBSERVABLE } from './http-attempt-observer.js';
import { sendAsNotedAttempt } from './noted-attempt.js';

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
  return (input, init) => {
    const inner = base ?? globalThis.fetch;
    const { origin, path } = urlOf(input);
    return sendAsNotedAttempt(
      origin,
      path,
      () => inner(input, init),
      (response) => response.status,
    );
  };
}
