/** The statuses a batch is retried on; every other non-2xx status is final for that batch. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * Parses a `Retry-After` header: delta-seconds (`"3"`, `"1.5"`) or an HTTP-date. Returns the
 * wait in milliseconds clamped to `[0, maxMs]`, or `undefined` when absent or unusable (the
 * caller then uses its own backoff). A date in the past means "now" (0).
 */
export function parseRetryAfter(
  value: string | null | undefined,
  maxMs: number,
  nowMs = Date.now(),
): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (!Number.isFinite(date) || !/[a-z]/i.test(text)) return undefined;
    ms = date - nowMs;
  }
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, Math.ceil(ms)), maxMs);
}

/**
 * Exponential backoff with "equal jitter": the n-th retry (1-based) waits between half and all
 * of `min(maxMs, initialMs × 2^(n-1))`. Never near zero (unlike full jitter), so a struggling
 * endpoint is not hit again at once, and still spread so clients do not retry in lockstep.
 */
export function backoffDelay(
  retry: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, retry - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
