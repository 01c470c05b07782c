// Read once: `performance` is an accessor on Node's global object, and every read of it runs the
// getter Node installs for lazy loading (with an inline-cache miss on the global): about 700
// instructions per `now()`, several times per model call. The recorder's clock is this one object.
const clock = globalThis.performance;
const origin = clock.timeOrigin;

/**
 * The current time as epoch milliseconds with sub-millisecond precision, from the monotonic
 * clock: comparable with `Date.now()` and with timestamps frameworks put on their spans, and
 * immune to wall-clock jumps during a run.
 */
export function now(): number {
  return origin + clock.now();
}

/** Converts a `Date`, an ISO string or epoch milliseconds to epoch milliseconds; `undefined` if unusable. */
export function toEpochMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}
