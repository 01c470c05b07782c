import { describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import { heapAfterGcMB } from '../testing/heap.js';

/**
 * A promise the framework keeps, whose reaction was registered in the code that started a call:
 * it holds that code's async context until the promise settles, here never.
 */
function keepContext(kept: Array<Promise<unknown>>): void {
  const pending = new Promise(() => {});
  kept.push(pending.then(() => undefined));
}

describe('what a call leaves in the async context', () => {
  it('an ended model or tool call keeps neither its run nor its record alive', async () => {
    const metrics = createMetrics({ exporters: [{ export: () => undefined }] });
    const kept: Array<Promise<unknown>> = [];
    const runs: Array<WeakRef<object>> = [];
    const records: Array<WeakRef<object>> = [];
    for (const kind of ['model', 'tool'] as const) {
      await (async () => {
        const run = metrics.startInvocation();
        runs.push(new WeakRef(run));
        const call = kind === 'model' ? run.startModelCall({ model: 'm' }) : run.startToolCall({ name: 't' });
        keepContext(kept);
        call.end();
        const record = run.end();
        records.push(new WeakRef(record!));
      })();
    }
    await heapAfterGcMB();
    expect(kept).toHaveLength(2);
    expect(runs.map((ref) => ref.deref() === undefined)).toEqual([true, true]);
    expect(records.map((ref) => ref.deref() === undefined)).toEqual([true, true]);
  });
});
