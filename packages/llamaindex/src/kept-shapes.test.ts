import { fileURLToPath } from 'node:url';
import { traceMajorCollection } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/major-collection-child.ts', import.meta.url));

/** Functions of the adapter's per-run path, named only by the adapter (the framework's are not). */
const ADAPTER_FUNCTIONS = [
  'RunCallbackManager',
  'PendingScope',
  'StreamObserver',
  'ObservedIterator',
  'ObservedIteratorWithThrow',
  'RunState',
  'observeCall',
  'wrapStream',
];

describe("the adapter's optimized code across major collections", () => {
  it('keeps the maps of its per-run objects alive when no run is', () => {
    const trace = traceMajorCollection(CHILD, { nativesSyntax: true, warmup: 200 });
    expect(trace.status).toBe(0);
    // the precondition that makes the check mean something: V8 optimized the adapter first
    const optimized = [
      'RunCallbackManager',
      'PendingScope',
      'StreamObserver',
      'ObservedIteratorWithThrow',
      'RunState',
    ];
    // V8 optimized some of them first (which ones by then varies between runs), so the check bites
    expect(trace.optimizedBefore(optimized)).not.toEqual([]);
    expect(trace.lostAfter(ADAPTER_FUNCTIONS)).toEqual([]);
    // every run was recorded, with both calls' usage (403 runs, 2 calls of 25 tokens each)
    expect(trace.output.match(/^\{"records".*$/m)?.[0]).toBe(JSON.stringify({ records: 403, tokens: 20150 }));
    // about 2 s of CPU, mostly loading the module graph; longer in wall time on a loaded machine
  }, 60_000);
});
