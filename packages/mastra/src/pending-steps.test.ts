import { describe, expect, it } from 'vitest';
import { PendingSteps } from './pending-steps.js';
import type { Inference } from './span-reading.js';

const inference = (startedAt: number): Inference => ({
  startedAt,
  endedAt: startedAt + 1,
  usage: undefined,
  failed: false,
});

describe('PendingSteps', () => {
  it('opens a step once, takes it out by id in any order, and gives the rest oldest first', () => {
    const steps = new PendingSteps();
    const a = steps.open('a');
    a.firstToolStart = 5;
    expect(steps.open('a')).toBe(a);
    steps.open('b').inference = inference(10);
    steps.open('c').inference = inference(20);
    expect(steps.take('b')?.inference?.startedAt).toBe(10);
    expect(steps.take('b')).toBeUndefined();
    expect(steps.take('nowhere')).toBeUndefined();
    expect(steps.takeAll().map((step) => [step.id, step.firstToolStart, step.inference?.startedAt])).toEqual([
      ['a', 5, undefined],
      ['c', undefined, 20],
    ]);
    expect(steps.takeAll()).toEqual([]);
  });
});
