import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AttemptLog } from '../attempts/attempt-log.js';
import { currentAttemptLog, runInAttemptScope } from '../attempts/attempt-scope.js';
import { createMetrics } from '../metrics.js';
import { traceMajorCollection } from '../testing/major-collection.js';
import { keepShapes } from './kept-shapes.js';
import type { InvocationRecord } from './record.js';

const CHILD = fileURLToPath(new URL('./fixtures/major-collection-child.ts', import.meta.url));
/** Functions of the recorder's per-run path, each optimized against the maps of a run's objects. */
const RECORDER = ['startModelCall', 'build', 'settleAttempts', 'newToolCall', 'summarizeInvocation'];

describe('the recorder kept optimized across major collections', () => {
  it('keeps the maps its optimized code embeds alive when no run is', () => {
    const trace = traceMajorCollection(CHILD);
    expect(trace.status).toBe(0);
    // the precondition that makes the check mean something: V8 optimized the recorder first (one
    // of the two at least: which functions by then varies between runs)
    expect(trace.optimizedBefore(['startModelCall', 'build'])).not.toEqual([]);
    expect(trace.lostAfter(RECORDER)).toEqual([]);
  });

  it('builds its template without touching the caller: no record, no diagnostic, the same attempt scope', () => {
    const records: InvocationRecord[] = [];
    const diagnostics: unknown[] = [];
    const metrics = createMetrics({
      exporters: [{ export: (record) => void records.push(record) }],
      diagnostics: (event) => void diagnostics.push(event),
      logger: false,
    });
    const log = new AttemptLog();
    const scope = { ended: false, attemptLog: () => log };
    // the first recorder of this module graph builds the template inside a caller's model call
    const seen = runInAttemptScope(scope, () => {
      const run = metrics.startInvocation({ name: 'first' });
      const current = currentAttemptLog();
      run.end();
      return current;
    });
    expect(seen).toBe(log);
    expect(records.map((record) => [record.name, record.modelCalls.length, record.toolCalls.length])).toEqual(
      [['first', 0, 0]],
    );
    expect(diagnostics).toEqual([]);
  });
});

describe("keepShapes, for an adapter's own objects", () => {
  it("runs each builder once, outside the caller's model call, and ignores one that throws", () => {
    const log = new AttemptLog();
    const seen: Array<AttemptLog | undefined> = [];
    const build = () => {
      seen.push(currentAttemptLog());
      return { kind: 'template' };
    };
    const failing = () => {
      throw new Error('no template');
    };
    runInAttemptScope({ ended: false, attemptLog: () => log }, () => {
      keepShapes(build);
      keepShapes(build);
      expect(() => keepShapes(failing)).not.toThrow();
      expect(() => keepShapes(failing)).not.toThrow();
      // the caller's scope is its own again
      expect(currentAttemptLog()).toBe(log);
    });
    expect(seen).toEqual([undefined]);
  });
});
