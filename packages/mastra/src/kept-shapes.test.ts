import { fileURLToPath } from 'node:url';
import { traceMajorCollection } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/major-collection-child.ts', import.meta.url));
/** The core's functions a recorded Mastra model call runs through, optimized against its usage's map. */
const RECORDING = ['readRecordedModelCall', 'build', 'accumulate'];

describe("the exporter's recording kept optimized across major collections", () => {
  it("keeps the map of a Mastra span's usage alive when no run is", () => {
    const trace = traceMajorCollection(CHILD);
    expect(trace.status).toBe(0);
    // the precondition that makes the check mean something: V8 optimized some of the recording
    // first (which functions by then varies between runs: `build` once was not, in CI)
    expect(trace.optimizedBefore(RECORDING)).not.toEqual([]);
    expect(trace.lostAfter(RECORDING)).toEqual([]);
  });
});
