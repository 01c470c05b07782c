import { NOT_A_MODEL_CALL, runInAttemptScope } from '../attempts/attempt-scope.js';

/**
 * Keeps V8's optimized code for the recorder, and for an adapter's own per-run objects, alive
 * across major garbage collections.
 *
 * Why: optimized code holds the hidden classes ("maps") of the objects it was specialized for
 * weakly. A major collection that finds no live object of such a map frees it, and V8 then
 * discards every function optimized against it (`--trace-deopt`: "embedded weak objects
 * cleared"), or against a field whose type named it ("dependent field type changed"). Those
 * functions run in the baseline tier until they are hot again, thousands of calls later. An
 * agent's process, and every bench window, drops each run's objects long before the next major
 * collection, so the core spent most of its life unoptimized: an invocation of 2 model calls and a
 * tool call costs about 112 k instructions in the baseline tier against 22 k optimized.
 *
 * So the first recorder of the process builds one finished template run through the same code as a
 * real one, and keeps it: one live object of each map a run goes through. An adapter does the same
 * for its own per-run objects. Templates hold no user data and are built once per builder.
 */
const kept = new Map<() => unknown, unknown>();

/** Templates past this many builders are not kept (a builder should be a module's own function). */
const MAX_BUILDERS = 32;

/**
 * Runs `build` once per process (outside any model call's scope) and keeps what it returns alive.
 * `build` makes, through the adapter's own code, one finished object of each kind a run creates;
 * pass a function declared once at module level, not a new closure per call. A builder that throws
 * is ignored: without its template the adapter is only as fast as before.
 */
export function keepShapes(build: () => unknown): void {
  if (kept.has(build) || kept.size >= MAX_BUILDERS) return;
  kept.set(build, null);
  try {
    kept.set(build, runInAttemptScope(NOT_A_MODEL_CALL, build));
  } catch {
    // kept as null: tried once
  }
}
