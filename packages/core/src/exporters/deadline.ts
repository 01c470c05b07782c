import { startTimer } from './timers.js';

/**
 * The deadline of `Metrics.flush()` and `withFlush` when the caller gives none: a serverless
 * handler's response waits at most this long for delivery (Sentry's serverless SDKs use the same).
 */
export const DEFAULT_FLUSH_TIMEOUT_MS = 2000;

/**
 * Waits for `promise` at most `timeoutMs`: resolves `true` when it settled in time (fulfilled or
 * rejected alike), `false` at the deadline. Never rejects. The deadline's timer keeps the process
 * alive only while someone waits, and is cleared as soon as the promise settles.
 */
export function settleWithin(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const timer = startTimer(() => resolve(false), Math.max(0, timeoutMs), true);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/** A `timeoutMs` option as given: a finite number ≥ 0, else the default. */
export function timeoutOption(options: unknown, fallback: number): number {
  let value: unknown;
  try {
    value = (options as { timeoutMs?: unknown } | null | undefined)?.timeoutMs;
  } catch {
    value = undefined;
  }
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
