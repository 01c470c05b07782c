import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Runs a fixture child with V8's optimization traces and a forced major collection. */
function traceChild(fixture: string, warmup: number): string {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--expose-gc',
      '--single-threaded',
      '--trace-opt',
      '--trace-deopt',
      fileURLToPath(new URL(`./fixtures/${fixture}`, import.meta.url)),
    ],
    { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WARMUP: String(warmup) } },
  );
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return child.stdout;
}

/** The functions of `names` V8 optimized before the collection (by the last compile of each name). */
function optimizedBefore(output: string, names: readonly string[]): string[] {
  const before = output.slice(0, output.indexOf('--- major collection ---'));
  return names.filter((name) =>
    new RegExp(`completed compiling [^\\n]*<JSFunction ${name} [^\\n]*\\((target )?(MAGLEV|TURBOFAN)`).test(
      before,
    ),
  );
}

/**
 * The functions of `names` whose optimized code the collection discarded because it freed a map
 * they name. V8 marks them while it collects, before the collection's own trace line: everything
 * between the two markers.
 */
function discardedByCollection(output: string, names: readonly string[]): string[] {
  const after = output.slice(output.indexOf('--- major collection ---'), output.indexOf('--- done ---'));
  const marked = after.matchAll(
    /<SharedFunctionInfo ([\w$#]+)>\) \(opt id \d+\) for deoptimization, reason: (embedded weak objects cleared|dependent field type changed)/g,
  );
  return [...new Set([...marked].map((match) => match[1]!))].filter((name) => names.includes(name)).sort();
}

describe('the adapter kept optimized across major collections', () => {
  it('MetricsTracingProcessor: its run and span readers keep their optimized code', () => {
    const output = traceChild('processor-collection-child.ts', 1000);
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
    expect(optimizedBefore(output, ['TraceRun', 'spanStarted', 'spanEnded', 'modelRequestEnded'])).toEqual([
      'TraceRun',
      'spanStarted',
      'spanEnded',
      'modelRequestEnded',
    ]);
    expect(discardedByCollection(output, names)).toEqual([]);
    expect(output).toContain('--- done --- 1001');
  });

  it('instrumentRunner: its run state and model-call functions keep their optimized code', () => {
    const output = traceChild('runner-collection-child.ts', 500);
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
    expect(optimizedBefore(output, hot)).toEqual(hot);
    expect(discardedByCollection(output, names)).toEqual([]);
    expect(output).toContain('--- done --- 501');
  });
});
