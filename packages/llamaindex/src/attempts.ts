import { now } from '@metrics/core';
import { type AttemptLog, currentAttemptLog } from '@metrics/core/adapter';
import { isObject } from './raw-fields.js';

const OBSERVED = Symbol.for('@metrics/llamaindex.fetch');

type Fetch = (input: unknown, init?: unknown) => Promise<{ status: number }>;

/**
 * The fallback for runtimes whose `fetch` the core cannot see. `@metrics/core` sees every HTTP
 * attempt of a model call through Node's diagnostics channels, the retries `@llamaindex/openai`'s
 * `openai` client makes on its own included (10 by default). Where those channels publish nothing
 * (an edge runtime's `fetch`, a user's `fetch` that answers without undici), this `fetch`, added to
 * the LLM's `additionalSessionOptions` before it creates its client, gives the model call the
 * attempt the core did not note. A request the core saw is left to the core: never counted twice.
 * The user's own `fetch` is still the one that makes the request; the response is returned untouched.
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
    const log = currentAttemptLog();
    if (log === undefined) return base(input, init);
    const seen = log.size;
    const startedAt = now();
    try {
      const response = await base(input, init);
      if (log.size === seen) note(log, input, startedAt, response.status, undefined);
      return response;
    } catch (error) {
      if (log.size === seen) note(log, input, startedAt, undefined, error);
      throw error;
    }
  };
  Object.defineProperty(fetch, OBSERVED, { value: true });
  before.set(llm, options);
  llm.additionalSessionOptions = { ...options, fetch };
}

/** The LLMs' `additionalSessionOptions` before the hook was added. */
const before = new WeakMap<object, unknown>();

/** Puts the LLM's `additionalSessionOptions` back (a client created since keeps the hook: it only notes what the core cannot see). */
export function unobserveAttempts(llm: Record<string, unknown>): void {
  if (!before.has(llm)) return;
  llm.additionalSessionOptions = before.get(llm);
  before.delete(llm);
}

/** Notes an attempt the diagnostics channels did not publish. */
function note(
  log: AttemptLog,
  input: unknown,
  startedAt: number,
  status: number | undefined,
  error: unknown,
): void {
  const attempt = log.begin(originOf(input), startedAt);
  if (attempt === undefined) return;
  attempt.status = status;
  attempt.error = error;
  attempt.endedAt = now();
}

function originOf(input: unknown): string {
  try {
    const url = isObject(input) && typeof input.url === 'string' ? input.url : String(input);
    return new URL(url).origin;
  } catch {
    return 'unknown:';
  }
}
