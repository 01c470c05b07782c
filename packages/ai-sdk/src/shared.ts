import type { InvocationRecorder } from '@metrics/core';

/**
 * One model-call attempt the telemetry integration opened (inside `executeLanguageModelCall`).
 * A middleware running inside it claims it and becomes the one source of that attempt.
 */
export interface AttemptSlot {
  claimed: boolean;
  attempt: number;
}

/** The model step of an object generation the integration tracks, found by its prompt array. */
export interface PromptClaim {
  recorder: InvocationRecorder;
  /** Attempts the middleware recorded for this step (0: the integration records the step itself). */
  attempts: number;
}

interface SharedState {
  attemptSlots: WeakMap<InvocationRecorder, AttemptSlot>;
  promptClaims: WeakMap<object, PromptClaim>;
}

const KEY = Symbol.for('@metrics/ai-sdk.shared');

/** Shared by every copy of this package loaded in the process (ESM and CJS alike). */
export const shared: SharedState = (() => {
  const holder = globalThis as unknown as Record<symbol, SharedState | undefined>;
  let state = holder[KEY];
  if (!state) {
    state = { attemptSlots: new WeakMap(), promptClaims: new WeakMap() };
    holder[KEY] = state;
  }
  return state;
})();
