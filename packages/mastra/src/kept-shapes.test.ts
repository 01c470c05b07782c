import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/major-collection-child.ts', import.meta.url));
/** The core's functions a recorded Mastra model call runs through, optimized against its usage's map. */
const RECORDING = ['readRecordedModelCall', 'build', 'accumulate'];

/** Which of `RECORDING` V8 discarded after the forced major collection. */
function discardedAfterCollection(output: string): string[] {
  const after = output.slice(output.indexOf('--- major collection ---'), output.indexOf('--- done ---'));
  const discarded = after.matchAll(
    /<SharedFunctionInfo ([\w$ ]+)>\) \(opt id \d+\) for deoptimization, reason: (dependent field type changed|embedded weak objects cleared)/g,
  );
  return [...discarded].map((match) => match[1] as string).filter((name) => RECORDING.includes(name));
}

describe("the exporter's recording kept optimized across major collections", () => {
  it("keeps the map of a Mastra span's usage alive when no run is", () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--expose-gc', '--single-threaded', '--trace-opt', '--trace-deopt', CHILD],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(child.status).toBe(0);
    const output = child.stdout;
    // the precondition that makes the check mean something: V8 optimized the recording first
    const before = output.slice(0, output.indexOf('--- major collection ---'));
    for (const name of RECORDING)
      expect(before).toMatch(
        new RegExp(`completed compiling [^\\n]*<JSFunction ${name} [^\\n]*(TURBOFAN|MAGLEV)`),
      );
    expect(discardedAfterCollection(output)).toEqual([]);
  });
});
