import { NOT_A_MODEL_CALL, runInAttemptScope } from '../attempts/attempt-scope.js';

/**
 * Keeps V8's optimized code for the recorder alive across major garbage collections.
 *
 * Why: optimized code holds the hidden classes ("maps") of the objects it was specialized for
 * weakly. A major collection that finds no live object of such a map frees it, and V8 then
 * discards every function optimized against it (`--trace-deopt`: "embedded weak objects
 * cleared"). Those functions run in the baseline tier until they are hot again, thousands of calls
 * later. An agent's process, and every bench window, drops each run's objects long before the next
 * major collection, so the core spent most of its life unoptimized: an invocation of 2 model calls
 * and a tool call costs about 112 k instructions in the baseline tier against 22 k optimized.
 *
 * So the first recorder of the process builds one finished template invocation through the same
 * code as a real one and keeps it: one live object of each map a run goes through. It holds no user
 * data, is built once per copy of the core, and is a few hundred bytes.
 */
let kept: unknown;

/** Runs `build` once per process (outside any model call's scope) and keeps what it returns. */
export function keepShapes(build: () => unknown): void {
  if (kept !== undefined) return;
  kept = null;
  try {
    kept = runInAttemptScope(NOT_A_MODEL_CALL, build) ?? null;
  } catch {
    // a template that fails only leaves the core as fast as it was without one
  }
}
