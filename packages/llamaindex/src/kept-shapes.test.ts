import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
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

/**
 * The adapter's functions V8 gave up after a major collection freed the maps they were optimized
 * for: their code discarded at the collection, or bailing out later on feedback it cleared.
 */
function lostAfterCollection(output: string): string[] {
  const after = output.slice(output.indexOf('--- major collection ---'), output.indexOf('--- done ---'));
  const discarded = [...after.matchAll(/<SharedFunctionInfo ([\w$]+)>\) \(opt id \d+\) for deoptimization/g)];
  const bailedOut = [
    ...after.matchAll(
      /\[bailout \(kind: [^)]*, reason: [^)]*\): begin\. deoptimizing \S+ <JSFunction ([\w$]+) /g,
    ),
  ];
  const names = [...discarded, ...bailedOut].map((match) => match[1]!);
  return [...new Set(names.filter((name) => ADAPTER_FUNCTIONS.includes(name)))].sort();
}

describe("the adapter's optimized code across major collections", () => {
  it('keeps the maps of its per-run objects alive when no run is', () => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--expose-gc',
        '--allow-natives-syntax',
        '--single-threaded',
        '--trace-opt',
        '--trace-deopt',
        CHILD,
      ],
      { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WARMUP: '200' } },
    );
    expect(child.status).toBe(0);
    const output = child.stdout;
    // the precondition that makes the check mean something: V8 optimized the adapter first
    const before = output.slice(0, output.indexOf('--- major collection ---'));
    for (const name of [
      'RunCallbackManager',
      'PendingScope',
      'StreamObserver',
      'ObservedIteratorWithThrow',
      'RunState',
    ])
      expect(before).toMatch(
        new RegExp(`completed compiling [^\\n]*<JSFunction ${name} [^\\n]*(MAGLEV|TURBOFAN)`),
      );
    expect(lostAfterCollection(output)).toEqual([]);
    // every run was recorded, with both calls' usage (403 runs, 2 calls of 25 tokens each)
    expect(output.match(/^\{"records".*$/m)?.[0]).toBe(JSON.stringify({ records: 403, tokens: 20150 }));
    // about 2 s of CPU, mostly loading the module graph; longer in wall time on a loaded machine
  }, 60_000);
});
