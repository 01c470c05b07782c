import type { InvocationRecorder } from '@metrics/core';
import { ClaimOnce } from '@metrics/core/adapter';

/**
 * One model-call attempt the telemetry integration opened (inside `executeLanguageModelCall`).
 * A middleware running inside it claims it (`shared.claims.claim(slot)`) and becomes the one
 * source of that attempt.
 */
export interface AttemptSlot {
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
  /** Attempt slots claimed by a middleware (the first of the two hooks records the attempt). */
  claims?: ClaimOnce;
}

const KEY = Symbol.for('@metrics/ai-sdk.shared');

/** Shared by every copy of this package loaded in the process (ESM and CJS alike). */
export const shared: Required<SharedState> = (() => {
  const holder = globalThis as unknown as Record<symbol, SharedState | undefined>;
  let state = holder[KEY];
  if (!state) {
    state = { attemptSlots: new WeakMap(), promptClaims: new WeakMap() };
    holder[KEY] = state;
  }
  state.claims ??= new ClaimOnce();
  return state as Required<SharedState>;
})();
