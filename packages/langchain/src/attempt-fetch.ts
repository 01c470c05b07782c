import { AsyncLocalStorage } from 'node:async_hooks';
import { type Diagnostics, now } from '@metrics/core';
import type { FailedAttempt } from './run-tree.js';
import { SOURCE } from './options.js';

/** What the opt-in fetch records into: the model call (handler or middleware) it belongs to. */
export interface AttemptTarget {
  attempts?: { failed: FailedAttempt[]; lastStartedAt: number; lastFailed: boolean };
}

/** A failed HTTP attempt that LangChain retried (or gave up on), seen below LangChain. */
export class HttpAttemptError extends Error {
  override name = 'HttpAttemptError';
  readonly status: number;

  constructor(status: number) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

/** The model call of the metrics middleware's `wrapModelCall` the current async context is in. */
export const middlewareCallContext = new AsyncLocalStorage<AttemptTarget>();

const MAX_ATTEMPTS = 64;

type Fetch = typeof globalThis.fetch;

/**
 * Wraps a `fetch` so that every HTTP attempt of a model call is seen, including those LangChain
 * retries invisibly (429s, 5xx, connection failures). Never changes the request or the response.
 */
export function createAttemptFetch(
  resolve: () => AttemptTarget | undefined,
  diagnostics: Diagnostics,
  base?: Fetch,
): Fetch {
  const wrapped = async (input: Parameters<Fetch>[0], init?: Parameters<Fetch>[1]): Promise<Response> => {
    const inner = base ?? globalThis.fetch;
    let target: AttemptTarget | undefined;
    try {
      target = middlewareCallContext.getStore() ?? resolve();
    } catch (error) {
      diagnostics.reportError(SOURCE, error, 'attributing an HTTP attempt failed');
    }
    if (!target) return inner(input, init);
    const startedAt = now();
    target.attempts ??= { failed: [], lastStartedAt: startedAt, lastFailed: false };
    const attempts = target.attempts;
    attempts.lastStartedAt = startedAt;
    const fail = (status: number | undefined, error: unknown) => {
      attempts.lastFailed = true;
      if (attempts.failed.length < MAX_ATTEMPTS)
        attempts.failed.push({ startedAt, endedAt: now(), status, error });
    };
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      fail(undefined, error);
      throw error;
    }
    if (response.status >= 400) fail(response.status, new HttpAttemptError(response.status));
    else attempts.lastFailed = false;
    return response;
  };
  return wrapped as Fetch;
}
