import { spawnSync } from 'node:child_process';

/** What a child printed around its forced major collection, read as V8 traced it. */
export interface MajorCollectionTrace {
  /** The child's exit status (0 when it ran through). */
  status: number | null;
  /** Everything the child wrote to stdout (V8's traces and its own lines). */
  output: string;
  /** What it wrote to stderr (empty when nothing went wrong). */
  stderr: string;
  /**
   * The names of `names` V8 compiled with an optimizing tier (Maglev or TurboFan) before the
   * collection. Which of them it has optimized by then varies between runs (three CI rehearsals
   * each found one missing), so a test asks for some, and `lostAfter` checks every one that was.
   */
  optimizedBefore(names: readonly string[]): string[];
  /**
   * The names of `names` V8 gave up after the collection: their optimized code discarded because
   * it freed a map they named ("embedded weak objects cleared", "dependent field type changed"),
   * or bailing out later on feedback it cleared ("Insufficient type feedback").
   */
  lostAfter(names: readonly string[]): string[];
}

const COLLECTION = '--- major collection ---';
const DONE = '--- done ---';

/**
 * Runs `child` (a script that warms a path, prints `--- major collection ---`, calls `gc()`, runs
 * the path again and prints `--- done ---`) with V8's optimization traces, and reads them: the
 * check that a path's optimized code outlives major collections (`keepShapes`). `execArgv` comes
 * first (default `--import tsx`, for a TypeScript child). `nativesSyntax` lets a child tell V8 to
 * optimize its functions (`%OptimizeMaglevOnNextCall`); `warmup` is passed to it as `WARMUP`.
 */
export function traceMajorCollection(
  child: string,
  options: {
    execArgv?: readonly string[];
    env?: Record<string, string>;
    nativesSyntax?: boolean;
    warmup?: number;
    timeoutMs?: number;
  } = {},
): MajorCollectionTrace {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  if (options.warmup !== undefined) env.WARMUP = String(options.warmup);
  const result = spawnSync(
    process.execPath,
    [
      ...(options.execArgv ?? ['--import', 'tsx']),
      ...(options.nativesSyntax ? ['--allow-natives-syntax'] : []),
      '--expose-gc',
      '--single-threaded',
      // no collection on a wall-clock timer: on a busy machine one landed in the warm-up, discarded
      // the code the check needs optimized before the forced one, and made the test flaky
      '--no-memory-reducer',
      '--trace-opt',
      '--trace-deopt',
      child,
    ],
    { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, env },
  );
  const output = result.stdout ?? '';
  const at = output.indexOf(COLLECTION);
  const done = output.indexOf(DONE, at);
  const before = at < 0 ? output : output.slice(0, at);
  const after = at < 0 ? '' : output.slice(at, done < 0 ? undefined : done);
  return {
    status: result.status,
    output,
    stderr: result.stderr ?? '',
    optimizedBefore: (names) =>
      names.filter((name) =>
        new RegExp(
          `completed compiling [^\\n]*<JSFunction ${literally(name)} [^\\n]*\\((target )?(MAGLEV|TURBOFAN)`,
        ).test(before),
      ),
    lostAfter: (names) => {
      const discarded = after.matchAll(
        /<SharedFunctionInfo ([\w$#]+)>\) \(opt id \d+\) for deoptimization, reason: (?:embedded weak objects cleared|dependent field type changed)/g,
      );
      const bailedOut = after.matchAll(
        /\[bailout \(kind: [^)]*, reason: Insufficient type feedback[^)]*\): begin\. deoptimizing \S+ <JSFunction ([\w$#]+) /g,
      );
      const lost = new Set([...discarded, ...bailedOut].map((match) => match[1]!));
      return names.filter((name) => lost.has(name));
    },
  };
}

function literally(name: string): string {
  return name.replace(/[$#]/g, '\\$&');
}
