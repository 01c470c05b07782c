export type Timer = ReturnType<typeof setTimeout>;

/**
 * `setTimeout` that, unless `keepAlive`, never keeps the process alive (a no-op where timers
 * have no `unref`, as in browsers and edge runtimes).
 */
export function startTimer(fn: () => void, ms: number, keepAlive = false): Timer {
  const timer = setTimeout(fn, ms);
  if (!keepAlive) (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** Makes a timer keep the process alive after all (where the runtime supports it). */
export function refTimer(timer: Timer | undefined): void {
  (timer as { ref?: () => void } | undefined)?.ref?.();
}

/** Resolves on a later turn of the event loop, letting I/O and other callbacks run. */
export function yieldToEventLoop(keepAlive = false): Promise<void> {
  return new Promise((resolve) => startTimer(resolve, 0, keepAlive));
}
