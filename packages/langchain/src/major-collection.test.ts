import { fileURLToPath } from 'node:url';
import { traceMajorCollection } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/major-collection-child.ts', import.meta.url));

/** Functions of the handler's per-run path, named only by the adapter (LangChain's are not). */
const ADAPTER_FUNCTIONS = [
  'startChildChain',
  'startRootChain',
  'readModelOutput',
  'readOutput',
  'endChain',
  'startModel',
  'ownerFor',
  'parentOf',
];

describe("the handler's optimized code across major collections", () => {
  it('keeps the maps of its per-run objects alive when no run is', () => {
    const trace = traceMajorCollection(CHILD, {
      execArgv: ['--import', 'tsx', '--allow-natives-syntax'],
      env: { WARMUP: '200' },
    });
    expect(trace.status).toBe(0);
    // the precondition that makes the check mean something: V8 optimized some of them first
    // (which ones by then varies between runs)
    expect(trace.optimizedBefore(ADAPTER_FUNCTIONS)).not.toEqual([]);
    expect(trace.lostAfter(ADAPTER_FUNCTIONS)).toEqual([]);
    // every run was recorded, with both calls' usage (403 runs, 15 + 23 tokens each)
    expect(trace.output.match(/^\{"records".*$/m)?.[0]).toBe(
      JSON.stringify({ records: 403, tokens: 403 * 38 }),
    );
  }, 90_000);
});
