// Reads a callgrind output file of a bench child: the instructions it counted, how many of them
// V8 spent compiling (lazy compilation, Sparkplug, Maglev and TurboFan tier-up, on-stack
// replacement) and how many collecting garbage, so the bench can leave both out
// (scripts/overhead-bench.mjs, which also runs V8 with `--no-memory-reducer` under callgrind).
//
// Why leave it out: V8 tiers a function up after a number of invocations scaled by its size, so
// some TurboFan compiles land inside a measured window however long the warm-up (measured: a core
// invocation still had ~12 compiles in its window after 10,000 warm-up runs). One compile is
// roughly 10-40 million instructions, against a few hundred thousand for a model call, and which
// functions happen to compile inside the window shifts with any code change: a window that
// includes them measures the compiler. Compilation happens once per process; what users pay per
// model call is the compiled code's execution, which is what remains.
//
// Why leave garbage collection out as well: a 50-run window of a framework that allocates ~1 MB
// per run (Mastra) holds zero, one or two major collections of the whole heap depending on where the
// process's GC cycle happens to be, and on V8's time-based heuristics (the memory reducer's timer,
// incremental marking tasks), which run differently on a loaded machine under valgrind's ~50x
// slowdown. Measured on Mastra: two processes of nearly the same path (its standalone floor and
// its adapter) spent 30 M and 5.7 M instructions per run in the collector (two major collections
// and incremental marking started by the memory reducer's timer, against one major collection and
// a scavenge), 47 M against 18 M per run in all: the collector's share, not the path, was the
// difference. A major collection costs in proportion to the live heap, not
// to the window's garbage. What a path adds to collection is its allocations, which the counted
// code still pays to make (the allocation itself and the write barriers).
//
// Each cost is an entry point's inclusive cost (its `calls=` lines), summed where the caller is
// not itself an entry point of either kind, so nested compiles or collections (a collection
// triggered by the compiler's allocations) are not counted twice.
import { readFileSync } from 'node:fs';

export const COMPILE_ENTRY =
  /Runtime_(CompileLazy|CompileOptimized|CompileBaseline|InstallBaselineCode|Optimize\w*|\w*OSR\w*|HandleOsr\w*)\b/;

// the collector's entry points from the mutator: a collection (not the lambdas inside one, which
// share its name), incremental marking's allocation step, and the collector's own tasks
export const COLLECT_ENTRY =
  /^v8::internal::(Heap::(CollectGarbage|CollectAllGarbage|PreciseCollectAllGarbage)\((?!.*\{lambda)|IncrementalMarking::Observer::Step\(|(MinorGCJob|IncrementalMarkingJob|ScavengeJob|MemoryReducer::TimerTask)\S*::RunInternal\()/;

/**
 * Walks a callgrind output file's cost lines: `self(fn, cost)` for a function's own instructions,
 * `call(fn, callee, cost)` for the inclusive cost of a call from `fn` to `callee`. Functions are
 * the file's ids; `nameOf(id)` gives the name the file declared for one.
 * @param {string} file
 * @param {{ self: (fn: string, cost: number) => void, call: (fn: string, callee: string, cost: number) => void }} visit
 * @returns {(id: string) => string} nameOf
 */
export function walkCallgrindCosts(file, visit) {
  const names = new Map();
  let caller = '';
  let callee = '';
  let afterCalls = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const fn = /^(c?fn)=\((\d+)\)(?: (.*))?$/.exec(line);
    if (fn) {
      const [, kind, id, name] = fn;
      if (name !== undefined) names.set(id, name);
      if (kind === 'fn') caller = id;
      else callee = id;
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCalls = true;
      continue;
    }
    const first = line.charCodeAt(0);
    // a cost line: a position (a number, or +n / -n / * relative to the previous one), then the count
    if (!((first >= 48 && first <= 57) || line[0] === '+' || line[0] === '-' || line[0] === '*')) continue;
    const cost = Number(line.split(' ')[1] ?? 0);
    if (afterCalls) {
      afterCalls = false;
      visit.call(caller, callee, cost);
    } else visit.self(caller, cost);
  }
  return (id) => names.get(id) ?? '';
}

/**
 * @param {string} file a callgrind output file (`--callgrind-out-file`)
 * @returns {{ instructions: number, compiling: number, collecting: number }} every instruction
 *   counted, the part spent compiling and the part spent collecting garbage
 */
export function readCallgrindCounts(file) {
  let instructions = 0;
  let compiling = 0;
  let collecting = 0;
  // names are declared before their first use, so a callback can read them as the walk goes
  const calls = [];
  const nameOf = walkCallgrindCosts(file, {
    self: (_fn, cost) => {
      instructions += cost;
    },
    call: (fn, callee, cost) => {
      calls.push(fn, callee, cost);
    },
  });
  for (let i = 0; i < calls.length; i += 3) {
    const from = nameOf(calls[i]);
    if (COMPILE_ENTRY.test(from) || COLLECT_ENTRY.test(from)) continue;
    const to = nameOf(calls[i + 1]);
    if (COMPILE_ENTRY.test(to)) compiling += calls[i + 2];
    else if (COLLECT_ENTRY.test(to)) collecting += calls[i + 2];
  }
  return { instructions, compiling, collecting };
}
