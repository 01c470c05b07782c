import { now } from '@metrics/core';
import { isObject } from './raw-fields.js';
import { runStorage } from './run-state.js';

const OBSERVED = Symbol.for('@metrics/llamaindex.fetch');

/** An HTTP attempt that failed (status >= 400 or a network error); the client may retry it. */
export interface FailedAttempt {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly error: unknown;
}

class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  constructor(readonly status: number) {
    super(`the provider answered HTTP ${status}`);
  }
}

type Fetch = (input: unknown, init?: unknown) => Promise<{ status: number }>;

/**
 * `@llamaindex/openai` retries inside its `openai` client (10 times by default), so a 429 that was
 * retried never reaches LlamaIndex. When the LLM has not created its client yet, this adds a
 * `fetch` to its `additionalSessionOptions` that notes each failed attempt for the current run
 * (the response itself is returned untouched). Other LLMs are left alone.
 */
export function observeAttempts(llm: Record<string, unknown>): void {
  if (!Object.hasOwn(llm, 'additionalSessionOptions') || !Object.hasOwn(llm, 'lazySession')) return;
  const options = llm.additionalSessionOptions;
  if (options !== undefined && !isObject(options)) return;
  const own = options?.fetch as Fetch | undefined;
  if (
    (own !== undefined && typeof own !== 'function') ||
    (own as { [OBSERVED]?: true } | undefined)?.[OBSERVED]
  )
    return;
  // without a fetch of the user's, the global one is looked up per request, as the client would
  const base: Fetch = own ?? ((input, init) => (globalThis.fetch as unknown as Fetch)(input, init));
  const fetch: Fetch = async (input, init) => {
    const state = runStorage.getStore();
    if (!state || state.isEnded) return base(input, init);
    const startedAt = now();
    try {
      const response = await base(input, init);
      if (response.status >= 400) {
        state.failedAttempt({ startedAt, endedAt: now(), error: new HttpStatusError(response.status) });
      }
      return response;
    } catch (error) {
      state.failedAttempt({ startedAt, endedAt: now(), error });
      throw error;
    }
  };
  Object.defineProperty(fetch, OBSERVED, { value: true });
  llm.additionalSessionOptions = { ...options, fetch };
}
