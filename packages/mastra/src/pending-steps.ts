import { removeAt } from '@metrics/core/adapter';
import type { Inference } from './span-reading.js';

/** What a run holds for one model step until the step's span ends. */
export interface PendingStep {
  readonly id: string;
  /** the inference span that ended inside the step (its model call, recorded when the step ends) */
  inference: Inference | undefined;
  /** when the step's first tool call started (Mastra's inference span also covers the step's tools) */
  firstToolStart: number | undefined;
}

/**
 * A run's model steps whose spans have not ended, by step span id. A run's steps end in order, so
 * one or two are pending at a time: a short array searched from its end, not a `Map`. Deleting a
 * `Map`'s last entry makes V8 shrink its table (a runtime call and a new table, ~350 instructions),
 * and that happened on every step of every run.
 */
export class PendingSteps {
  private readonly steps: PendingStep[] = [];

  /** The pending step `id`, added when it is not pending yet. */
  open(id: string): PendingStep {
    const steps = this.steps;
    for (let i = steps.length - 1; i >= 0; i--) if (steps[i]!.id === id) return steps[i]!;
    const step: PendingStep = { id, inference: undefined, firstToolStart: undefined };
    steps.push(step);
    return step;
  }

  /** Removes and returns the pending step `id` (its span ended); `undefined` when it is not pending. */
  take(id: string): PendingStep | undefined {
    const steps = this.steps;
    for (let i = steps.length - 1; i >= 0; i--) {
      const step = steps[i]!;
      if (step.id !== id) continue;
      removeAt(steps, i);
      return step;
    }
    return undefined;
  }

  /** Removes and returns every pending step, oldest first (the run ended). */
  takeAll(): PendingStep[] {
    return this.steps.splice(0, this.steps.length);
  }
}
