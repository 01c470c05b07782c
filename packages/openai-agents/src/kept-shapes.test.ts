import { fileURLToPath } from 'node:url';
import { type MajorCollectionTrace, traceMajorCollection } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';

/** Runs a fixture child with V8's optimization traces and a forced major collection. */
function traceChild(fixture: string, warmup: number): MajorCollectionTrace {
  const trace = traceMajorCollection(fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)), {
    warmup,
  });
  expect(trace.stderr).toBe('');
  expect(trace.status).toBe(0);
  return trace;
}

describe('the adapter kept optimized across major collections', () => {
  it('MetricsTracingProcessor: its run and span readers keep their optimized code', () => {
    const trace = traceChild('processor-collection-child.ts', 1000);
    // names of our own (the SDK's processors have an `onSpanStart` too)
    const names = [
      'TraceRun',
      'spanStarted',
      'spanEnded',
      'agentStarted',
      'agentEnded',
      'modelRequestEnded',
      'toolEnded',
      'runAbove',
      'ensureRoot',
      'readModelSpan',
      'spanName',
    ];
    // V8 optimized some of the per-span readers first (which ones by then varies between runs:
    // `TraceRun`'s constructor once stayed unoptimized in CI), so the check bites
    const hot = ['spanStarted', 'spanEnded', 'modelRequestEnded'];
    expect(trace.optimizedBefore(hot)).not.toEqual([]);
    expect(trace.lostAfter(names)).toEqual([]);
    expect(trace.output).toContain('--- done --- 1001');
  });

  it('instrumentRunner: its run state and model-call functions keep their optimized code', () => {
    const trace = traceChild('runner-collection-child.ts', 500);
    // the tool hooks are left out: they read the SDK's tracing context, whose per-run maps no
    // template of ours can keep without running the SDK's trace lifecycle (processors would see it)
    const names = [
      'currentRunState',
      'touch',
      'createRunState',
      'startRun',
      'finishRun',
      'meteredResponse',
      'startCall',
      'endCall',
    ];
    const hot = ['currentRunState', 'touch', 'meteredResponse', 'startCall', 'endCall'];
    expect(trace.optimizedBefore(hot)).not.toEqual([]);
    expect(trace.lostAfter(names)).toEqual([]);
    expect(trace.output).toContain('--- done --- 501');
  });
});
