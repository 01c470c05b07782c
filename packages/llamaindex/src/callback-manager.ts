import { NOT_A_MODEL_CALL, runInAttemptScope } from '@metrics/core/adapter';
import type { RunState } from './run-state.js';
import { SOURCE } from './run-state.js';

/** What LlamaIndex calls on the callback manager of the current scope. */
export interface CallbackManagerLike {
  on(event: string, handler: (event: unknown) => void): unknown;
  off(event: string, handler: (event: unknown) => void): unknown;
  dispatchEvent(event: string, detail: unknown, sync?: boolean): void;
}

const TARGET = Symbol.for('@metrics/llamaindex.target');

/**
 * The per-run callback manager installed with `Settings.withCallbackManager`. It sees every event
 * synchronously (exact timestamps, no microtask delay) and forwards it, untouched, to the callback
 * manager that was current before, so handlers the user registered keep receiving everything.
 * Registrations made inside the run go to that outer manager too. Its handlers run outside any
 * model call's attempt scope: the HTTP requests they make are not model calls.
 */
export function createRunCallbackManager(state: RunState, outer: unknown): CallbackManagerLike {
  const target = (isManager(outer) ? ((outer as { [TARGET]?: unknown })[TARGET] ?? outer) : undefined) as
    | CallbackManagerLike
    | undefined;
  const manager = {
    [TARGET]: target,
    on(event: string, handler: (event: unknown) => void) {
      target?.on(event, handler);
      return manager;
    },
    off(event: string, handler: (event: unknown) => void) {
      target?.off(event, handler);
      return manager;
    },
    dispatchEvent(event: string, detail: unknown, sync?: boolean) {
      try {
        state.handleEvent(event, detail);
      } catch (error) {
        state.diagnostics.reportError(SOURCE, error, `handling the ${event} event failed`);
      }
      // the user's handlers are observers (a tracer shipping a span on llm-start): their requests
      // are never attempts of the model call that llm-start just opened
      if (target) runInAttemptScope(NOT_A_MODEL_CALL, () => target.dispatchEvent(event, detail, sync));
    },
  };
  return manager;
}

function isManager(value: unknown): value is CallbackManagerLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CallbackManagerLike).dispatchEvent === 'function'
  );
}
