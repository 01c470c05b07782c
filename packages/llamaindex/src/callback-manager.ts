import { NOT_A_MODEL_CALL, currentAttemptLog, runInAttemptScope } from '@metrics/core/adapter';
import type { RunRef } from './run-state.js';
import { SOURCE } from './source.js';

/** What LlamaIndex calls on the callback manager of the current scope. */
export interface CallbackManagerLike {
  on(event: string, handler: (event: unknown) => void): unknown;
  off(event: string, handler: (event: unknown) => void): unknown;
  dispatchEvent(event: string, detail: unknown, sync?: boolean): void;
}

/** Marks a `MetricsCallbackManager` (any copy): events it forwards were already handled. */
export const METRICS_MANAGER = Symbol.for('@metrics/llamaindex.callback-manager');
const TARGET = Symbol.for('@metrics/llamaindex.target');

interface MetricsManagerLike {
  forwardEvent(event: string, detail: unknown, sync?: boolean): void;
}

export function isMetricsManager(value: unknown): value is MetricsManagerLike {
  return isManager(value) && (value as { [METRICS_MANAGER]?: unknown })[METRICS_MANAGER] === true;
}

/** The manager events are forwarded to: the one below any per-run manager. */
export function forwardTarget(outer: unknown): CallbackManagerLike | undefined {
  if (!isManager(outer)) return undefined;
  return ((outer as { [TARGET]?: unknown })[TARGET] ?? outer) as CallbackManagerLike;
}

/**
 * Where a manager passes events on, resolved once when the manager is created (not per event):
 * to another `MetricsCallbackManager` (which handled them already and passes them further down),
 * or to the user's callback manager.
 */
export interface Below {
  target: CallbackManagerLike | undefined;
  metrics: MetricsManagerLike | undefined;
}

export function belowOf(target: CallbackManagerLike | undefined): Below {
  return { target, metrics: isMetricsManager(target) ? target : undefined };
}

/**
 * Forwards an event to the manager below. The user's handlers are observers (a tracer shipping
 * a span on llm-start): their requests are never attempts of the model call llm-start just opened.
 * Outside a model call's scope (no attempt log here) they would not be attempts anyway: the
 * handlers are called as they are, without a new async context per event.
 */
export function forward(below: Below, event: string, detail: unknown, sync?: boolean) {
  const target = below.target;
  if (target === undefined) return;
  if (below.metrics !== undefined) below.metrics.forwardEvent(event, detail, sync);
  else if (currentAttemptLog() === undefined) target.dispatchEvent(event, detail, sync);
  else runInAttemptScope(NOT_A_MODEL_CALL, () => target.dispatchEvent(event, detail, sync));
}

/**
 * The callback manager installed with `Settings.withCallbackManager` for a run of `instrument()` /
 * `run(fn)`: it is also how the run is found in its async context (`currentRun`), so the run adds
 * one entry to the framework's async context frames, not two (every frame the framework copies
 * is larger by each entry). It sees every event synchronously (exact timestamps, no microtask
 * delay), gives it to the run, and forwards it, untouched, to the callback manager that was
 * current before, so handlers the user registered keep receiving everything. Registrations made
 * inside the run go to that outer manager too. Holds the run's holder only, cleared at its end.
 */
export class RunCallbackManager implements CallbackManagerLike {
  readonly [TARGET]: CallbackManagerLike | undefined;
  private readonly below: Below;

  constructor(
    readonly run: RunRef,
    outer: unknown,
  ) {
    this[TARGET] = forwardTarget(outer);
    this.below = belowOf(this[TARGET]);
  }

  on(event: string, handler: (event: unknown) => void): this {
    this[TARGET]?.on(event, handler);
    return this;
  }

  off(event: string, handler: (event: unknown) => void): this {
    this[TARGET]?.off(event, handler);
    return this;
  }

  dispatchEvent(event: string, detail: unknown, sync?: boolean): void {
    const state = this.run.state;
    if (state === undefined) this.run.seen?.();
    try {
      state?.handleEvent(event, detail);
    } catch (error) {
      state?.diagnostics.reportError(SOURCE, error, `handling the ${event} event failed`);
    }
    forward(this.below, event, detail, sync);
  }
}

function isManager(value: unknown): value is CallbackManagerLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as CallbackManagerLike).dispatchEvent === 'function'
  );
}
