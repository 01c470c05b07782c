import { now } from '@metrics/core';

/**
 * When the AI SDK retries a failed model call, as its own `retryWithExponentialBackoffRespectingRetryHeaders`
 * decides (the same in AI SDK 5, 6 and 7): only an error marked `isRetryable` (an `APICallError` for
 * a 408/409/429/5xx or a failed connection), after the provider's `retry-after-ms`/`retry-after`
 * when it is between 0 and 60 s, else after 2 s × 2^(n-1) for the n-th attempt. The middleware
 * alone uses it to know how long a run whose attempt failed may still see its retry.
 */

interface RetryableError {
  isRetryable?: unknown;
  responseHeaders?: unknown;
  cause?: unknown;
}

const INITIAL_DELAY_MS = 2_000;
const BACKOFF_FACTOR = 2;
const MAX_HEADER_DELAY_MS = 60_000;

/** How long the SDK waits before retrying `error` after the `attempt`-th attempt; `undefined`: it will not retry. */
export function sdkRetryDelayMs(error: unknown, attempt: number): number | undefined {
  const e = error as RetryableError | null | undefined;
  if (typeof e !== 'object' || e === null || e.isRetryable !== true) return undefined;
  const exponential = INITIAL_DELAY_MS * BACKOFF_FACTOR ** Math.max(0, attempt - 1);
  const headers = (e.responseHeaders ?? (e.cause as RetryableError | undefined)?.responseHeaders) as
    | Record<string, unknown>
    | undefined;
  if (typeof headers !== 'object' || headers === null) return exponential;
  let ms: number | undefined;
  const retryAfterMs = headers['retry-after-ms'];
  if (typeof retryAfterMs === 'string' && retryAfterMs !== '') {
    const value = Number.parseFloat(retryAfterMs);
    if (!Number.isNaN(value)) ms = value;
  }
  const retryAfter = headers['retry-after'];
  if (ms === undefined && typeof retryAfter === 'string' && retryAfter !== '') {
    const seconds = Number.parseFloat(retryAfter);
    ms = Number.isNaN(seconds) ? Date.parse(retryAfter) - now() : seconds * 1000;
  }
  if (ms !== undefined && !Number.isNaN(ms) && ms >= 0 && (ms < MAX_HEADER_DELAY_MS || ms < exponential))
    return ms;
  return exponential;
}

/**
 * How long a run whose attempt failed waits for the retry before it is reported as failed: the
 * SDK's delay plus a margin for a busy event loop (1 s plus half the delay).
 */
export function retryWindowMs(delayMs: number): number {
  return delayMs + 1_000 + delayMs / 2;
}
