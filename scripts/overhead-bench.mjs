// The one benchmark harness of the adapters (issue #19's yardstick): what an adapter adds to a
// framework run, per model call, against
//   1. the same-hooks floor: a hand-written hook on exactly the framework hooks the adapter uses,
//      whose bodies only time calls and sum usage. Adapter minus floor is our own code's cost
//      ("own cost"), budgeted in µs per model call (`maxOwnUs`); a floor measured below bare
//      counts as adding nothing (see judge);
//   2. the best-known peer integration for the framework, measured in the same run (`maxRatio`);
//   3. a long run: the cost per model call of a 50-call run against a 2-call run (`long`).
//
// Every process runs exactly one variant, as a user's process would: the variants take turns,
// process after process, and each variant's figure is the median over its processes.
//
// Why not interleave variants in one process: with the bare agent and an instrumented one
// alternating in one process, the framework's shared code is compiled for both, and any extra
// code in the variant measured ~100 µs per model call more on LangChain than it costs alone (a
// hook that only calls crypto.randomUUID() "added" 196 µs per call, 2.4x its timing-only twin;
// in processes of their own the two measured the same).
//
// Two meters:
// - `cpu` (default): the process's CPU time (user + system), so neighbours on a shared machine
//   mostly do not count. With `--single-threaded` (no concurrent compiler and GC threads) and a
//   larger young generation, one variant spread ±1% over four processes on an idle machine, but
//   ±30% and more on a loaded 2-core VM (the caches are shared).
// - `instructions` (BENCH_METER=instructions): instructions counted by valgrind's callgrind, which
//   repeat whatever else the machine does (two runs of one variant differ by ~0.1%). callgrind
//   counts only the measured window (scripts/callgrind-window.mjs), which full collections fence
//   on both sides, so no window starts with a collection the warm-up left pending. V8's compiling
//   inside the window is left out of the count (scripts/callgrind-jit.mjs: tier-up compiles land
//   in any window and each costs more than thousands of model calls), and so is garbage
//   collection (same file: a window holds zero, one or two major collections of the whole heap
//   depending on where the process's GC cycle is: two Mastra variants of nearly the same path
//   measured 47 M and 18 M instructions per run, the collector's share); the path still pays for
//   its allocations and write barriers. The table shows how much was left out. V8's memory
//   reducer is off under callgrind: its timer starts major collections by wall time, which
//   valgrind's slowdown and a loaded machine shift into the window. Counts are turned into µs with
//   the machine's rate on the bare variant, printed beside them: every instruction of bare's
//   counted window (compiling and collecting included) over the CPU time of that same window in a
//   process of its own without valgrind (fastestBare explains why it must be the same window). The
//   ratios (peer, run length) need no conversion. CPU time on a loaded machine errs high, so the
//   fastest of three processes is taken.
//
// BENCH_OWN_CODE=1 (with the instructions meter) also counts our own code directly, by function
// (scripts/callgrind-own-code.mjs), in every variant's window, and shows what each adds over its
// bare run's: node runs with `--perf-basic-prof` to name its JIT code, in every variant alike.
// Where the framework's own count moves between processes by more than the budget, this is the
// figure that resolves it.
//
// A bench file calls `overheadBench(...)` at top level; the same file is the child (it sees
// OVERHEAD_BENCH_VARIANT and measures that variant). Exits 1 when a budget is exceeded.
// Profiling: OVERHEAD_BENCH_VARIANT=<name> node --cpu-prof <bench file> measures one variant.
import { spawn } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import process from 'node:process';
import { readCallgrindCounts } from './callgrind-jit.mjs';
import { readOwnCodeInstructions } from './callgrind-own-code.mjs';

const CHILD_ENV = 'OVERHEAD_BENCH_VARIANT';
const RUNS_ENV = 'OVERHEAD_BENCH_RUNS';
const WARMUP_ENV = 'OVERHEAD_BENCH_WARMUP';
const V8_FLAGS = ['--single-threaded', '--max-semi-space-size=64'];
// fixed seeds, so two processes of one variant execute the same instructions; no collections
// started by wall time (see the file)
const DETERMINISTIC_FLAGS = ['--random-seed=1', '--hash-seed=1', '--no-memory-reducer'];
// makes callgrind count only the measured window (see the file)
const WINDOW_PRELOAD = new URL('./callgrind-window.mjs', import.meta.url).href;
// our code: the packages' built files in this repository (the adapter and the core), not the
// testkit's (its model server is the far end the benches run against)
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const OUR_CODE = new RegExp(
  `file://${REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/packages/(?!testkit/)[^/]+/dist/`,
);
const ownCode = process.env.BENCH_OWN_CODE === '1';

/**
 * @typedef {() => (() => Promise<unknown>) | Promise<() => Promise<unknown>>} RunFactory
 *   makes the function that does one run
 * @typedef {{ run: RunFactory, modelCallsPerRun?: number, bare?: string }} VariantSpec
 *   a variant whose runs differ from the spec's: its own model calls per run, and the bare
 *   variant it is measured against (e.g. a 50-call run against a bare 50-call run)
 * @typedef {{ adapter: string, floor: string, maxOwnUs: number, byFunction?: string }} OwnCostBudget
 *   adapter minus floor, µs per model call. `byFunction` (why) for a path whose framework moves
 *   the floor between processes of the same code by more than the budget (#19: Mastra's tracing
 *   in two modes 250 k instructions per model call apart, LangChain's callback machinery by
 *   46-300 k): measured with BENCH_OWN_CODE=1, the verdict is our own code counted by function,
 *   with the difference of the two processes printed beside it as a cross-check; without
 *   BENCH_OWN_CODE, the difference is the verdict, as for every other budget
 * @typedef {{ adapter: string, floor: string, maxRatio: number, ownFloors?: { adapter: string, peer: string } }} RatioBudget
 *   what the adapter adds over what `floor` (a peer) adds; with `ownFloors` (the adapter's
 *   same-hooks floor and the peer's), for a path whose floor is the framework's own machinery
 *   (#19), the verdict is the like-for-like ratio, own cost over the peer's own cost, and the
 *   total ratio is printed beside it
 * @typedef {{ long: string, short: string, maxRatio: number, longFloor?: string, shortFloor?: string }} RunLengthBudget
 *   µs added per model call in the long run over the short run's. With the two floors (the
 *   same-hooks floor in a long and a short run), own cost over own cost: the budget is about our
 *   per-call work growing with the conversation, and a framework's own per-call work can grow just
 *   because a hook is installed (LlamaIndex's per-run callback manager: its floor alone costs 3-4.4x
 *   per call in a 50-call run), which no adapter can change
 *
 * @param {object} spec
 * @param {string} spec.title what one run is, e.g. "createAgent, 2 model calls + 1 tool call"
 * @param {number} spec.modelCallsPerRun model calls in one run (µs are reported per model call)
 * @param {Record<string, RunFactory | VariantSpec>} spec.variants must contain `bare`
 * @param {number} spec.runs measured runs per process (env BENCH_RUNS); a fifth more warm up first.
 *   A variant with more model calls per run makes proportionally fewer runs.
 * @param {number} [spec.instructionRuns] measured runs under callgrind (default runs / 20, at
 *   least 50; env BENCH_RUNS overrides both)
 * @param {number} [spec.warmup] runs before the window, in both meters (default runs / 5, twice
 *   that under callgrind): a
 *   framework whose tier-up outlasts that (V8 still compiling in the window, on the main thread
 *   with `--single-threaded`) needs more, or the window counts compilations as run cost
 * @param {Array<OwnCostBudget | RatioBudget | RunLengthBudget>} [spec.budgets]
 * @param {(variant: string) => void} [spec.check] throws when a hook did not run (called in the child)
 * @param {number} [spec.processes] processes per variant (default 4 for cpu, 1 for instructions;
 *   env BENCH_PROCESSES); env BENCH_ONLY=<regular expression> measures only the variants whose
 *   name matches it (and the bare variants they need)
 * @param {string[]} [spec.notes] lines printed under the table (peer figures, caveats)
 */
export async function overheadBench(spec) {
  const variant = process.env[CHILD_ENV];
  if (variant !== undefined) await measureInChild(spec, variant);
  else await coordinate(spec);
}

const factoryOf = (spec, name) => {
  const variant = spec.variants[name];
  return typeof variant === 'function' ? variant : variant?.run;
};
const callsOf = (spec, name) => spec.variants[name]?.modelCallsPerRun ?? spec.modelCallsPerRun;
const bareOf = (spec, name) => spec.variants[name]?.bare ?? 'bare';

async function measureInChild(spec, name) {
  const factory = factoryOf(spec, name);
  if (!factory) throw new Error(`unknown variant ${name}`);
  const run = await factory();
  const runs = Number(process.env[RUNS_ENV] ?? spec.runs);
  const warmup = Number(process.env[WARMUP_ENV] ?? Math.ceil(runs / 5));
  for (let i = 0; i < warmup; i++) await run();
  // under callgrind, full collections fence the window: every window pays for collecting its own
  // garbage, and none for a major collection the warm-up happened to leave pending
  const fence = process.env.OVERHEAD_BENCH_FENCE === '1' ? collector() : undefined;
  // What the window then measures: the full collection frees the maps (hidden classes) that no
  // live object has any more, and V8 discards every optimized function that embedded one (or a
  // field type naming one) and drops the inline-cache feedback that named it. That is also what
  // happens in an agent's process, which collects fully now and then. The core keeps one finished
  // template run alive for this (`packages/core/src/recorder/kept-shapes.ts`; adapters keep their
  // own objects' maps with `keepShapes`), so its code stays optimized across the fence; a function
  // whose objects are not kept runs in V8's baseline tier in the window until it is hot again.
  fence?.();
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await run();
  fence?.();
  const used = process.cpuUsage(start);
  if (runs > 0) spec.check?.(name);
  process.stdout.write(`${JSON.stringify({ cpuUsPerRun: (used.user + used.system) / Math.max(runs, 1) })}\n`);
}

/** The full garbage collection, without the `--expose-gc` flag. */
function collector() {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc');
}

let children = 0;

function runChild(name, { runs, warmup, underCallgrind, fenced = underCallgrind }) {
  const node = [process.execPath, ...V8_FLAGS, ...process.execArgv, process.argv[1]];
  const counts = join(tmpdir(), `overhead-bench-${process.pid}-${++children}.callgrind`);
  const [command, ...args] = underCallgrind
    ? [
        'valgrind',
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${counts}`,
        // the one C entry stub every runtime call goes through, split by its caller: a built-in's
        // slow path (an allocation that starts a collection) is then told apart from a runtime
        // call of its own (scripts/callgrind-own-code.mjs)
        ...(ownCode ? ['--separate-callers2=Builtins_CEntry*'] : []),
        node[0],
        `--import=${WINDOW_PRELOAD}`,
        ...DETERMINISTIC_FLAGS,
        ...(ownCode ? ['--perf-basic-prof', `--perf-basic-prof-path=${tmpdir()}`] : []),
        ...node.slice(1),
      ]
    : fenced
      ? [node[0], ...DETERMINISTIC_FLAGS, ...node.slice(1)]
      : node;
  const env = { ...process.env, [CHILD_ENV]: name, [RUNS_ENV]: String(runs) };
  if (fenced) env.OVERHEAD_BENCH_FENCE = '1';
  if (warmup !== undefined) env[WARMUP_ENV] = String(warmup);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env,
      stdio: ['ignore', 'pipe', underCallgrind ? 'pipe' : 'inherit'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`variant ${name} exited with ${code}\n${err.slice(-4000)}`));
      const line = out.trim().split('\n').at(-1) ?? '';
      const { cpuUsPerRun } = JSON.parse(line);
      if (!underCallgrind) return resolve({ cpuUsPerRun });
      try {
        // compilation and garbage collection inside the window are left out (see the file and
        // scripts/callgrind-jit.mjs)
        const { instructions, compiling, collecting } = readCallgrindCounts(counts);
        const perfMap = join(tmpdir(), `perf-${child.pid}.map`);
        const own =
          ownCode && existsSync(perfMap) ? readOwnCodeInstructions(counts, perfMap, OUR_CODE) : undefined;
        if (ownCode) rmSync(perfMap, { force: true });
        resolve({
          own,
          cpuUsPerRun,
          instructions: instructions - compiling - collecting,
          everyInstruction: instructions,
          compiling,
          collecting,
        });
      } catch (error) {
        reject(error);
      } finally {
        rmSync(counts, { force: true });
      }
    });
  });
}

/** Instructions per run each variant's last window spent compiling (left out of its count). */
const compilingPerRun = new Map();
/** Instructions per run each variant's last window spent collecting garbage (left out too). */
const collectingPerRun = new Map();
/** Every instruction per run of each variant's windows, compiling and collecting included (the rate's). */
const everyInstructionPerRun = new Map();
/** Our own code's instructions per run in each variant's windows (BENCH_OWN_CODE=1). */
const ownCodePerRun = new Map();

/** A variant with more model calls per run makes fewer runs: every variant makes about as many calls. */
const scaled = (spec, name, runs) =>
  Math.max(1, Math.round((runs * spec.modelCallsPerRun) / callsOf(spec, name)));

/** One measurement of a variant in the chosen meter: CPU µs per run, or instructions per run. */
async function measure(spec, name, meter, allRuns) {
  const runs = scaled(spec, name, allRuns);
  const warmupOf = (runs) =>
    spec.warmup !== undefined ? scaled(spec, name, spec.warmup) : Math.ceil(runs / 5);
  if (meter === 'cpu') return (await runChild(name, { runs, warmup: warmupOf(runs) })).cpuUsPerRun;
  const counted = await runChild(name, { runs, warmup: countedWarmup(spec, name), underCallgrind: true });
  compilingPerRun.set(name, counted.compiling / runs);
  collectingPerRun.set(name, counted.collecting / runs);
  if (!everyInstructionPerRun.has(name)) everyInstructionPerRun.set(name, []);
  everyInstructionPerRun.get(name).push(counted.everyInstruction / runs);
  if (counted.own !== undefined) {
    if (!ownCodePerRun.has(name)) ownCodePerRun.set(name, []);
    ownCodePerRun.get(name).push(counted.own / runs);
  }
  return counted.instructions / runs;
}

/**
 * The warm-up of a counted window: twice the CPU meter's (unless the bench sets its own). The
 * compiles themselves are left out of the count, but code still running in V8's lower tiers inside
 * the window would charge their slower execution.
 */
const countedWarmup = (spec, name) =>
  spec.warmup !== undefined
    ? scaled(spec, name, spec.warmup)
    : Math.ceil(scaled(spec, name, spec.runs) / 2.5);

function selectedNames(spec) {
  const only = process.env.BENCH_ONLY;
  const pattern = only === undefined ? undefined : new RegExp(only);
  const picked = Object.keys(spec.variants).filter((name) => pattern === undefined || pattern.test(name));
  const bares = new Set(['bare', ...picked.map((name) => bareOf(spec, name))]);
  return [...bares, ...picked.filter((name) => !bares.has(name))];
}

async function coordinate(spec) {
  if (!spec.variants.bare) throw new Error('overheadBench needs a `bare` variant');
  const meter = process.env.BENCH_METER === 'instructions' ? 'instructions' : 'cpu';
  const processes = Number(process.env.BENCH_PROCESSES ?? (meter === 'cpu' ? (spec.processes ?? 4) : 1));
  const runs = Number(
    process.env.BENCH_RUNS ??
      (meter === 'cpu' ? spec.runs : (spec.instructionRuns ?? Math.max(50, Math.round(spec.runs / 20)))),
  );
  const names = selectedNames(spec);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  const started = performance.now();
  for (let p = 0; p < processes; p++) {
    // rotated, so no variant always runs right after the same neighbour
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + p) % names.length];
      process.stderr.write(`  ${name} (${meter}, process ${p + 1}/${processes})\n`);
      results[name].push(await measure(spec, name, meter, runs));
    }
  }
  const perRun = Object.fromEntries(names.map((name) => [name, median(results[name])]));
  // µs per unit of the meter: 1 for CPU time; for instructions, the bare run's rate on this machine
  const usPerUnit =
    meter === 'cpu' ? 1 : (await fastestBare(spec, runs)) / median(everyInstructionPerRun.get('bare'));
  const addedPerCall = (name) => (perRun[name] - perRun[bareOf(spec, name)]) / callsOf(spec, name);
  const unit = meter === 'cpu' ? 'CPU µs (user+system)' : 'instructions (callgrind)';
  console.log(
    `${spec.title}: ${processes} process(es) per variant x ${runs} runs, one variant per process; ` +
      `${unit}, medians over processes; node ${process.version}; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  if (meter === 'instructions')
    console.log(
      `µs from instructions at this machine's rate on bare: ${(1 / usPerUnit).toFixed(0)} instructions per µs ` +
        '(every instruction of its counted window over the CPU time of the same window run without valgrind)',
    );
  console.table(
    names.map((name) => ({
      variant: name,
      [meter === 'cpu' ? 'µs/run' : 'instr/run']: perRun[name].toFixed(0),
      'x bare': (perRun[name] / perRun[bareOf(spec, name)]).toFixed(3),
      ...(meter === 'cpu'
        ? {}
        : {
            'instr added/model call': addedPerCall(name).toFixed(0),
            'compiling left out/run': (compilingPerRun.get(name) ?? 0).toFixed(0),
            'GC left out/run': (collectingPerRun.get(name) ?? 0).toFixed(0),
            ...(ownCode ? { 'own code added/model call': ownCodePerCall(spec, name)?.toFixed(0) ?? '' } : {}),
          }),
      'µs added/model call': (addedPerCall(name) * usPerUnit).toFixed(1),
      'per process': results[name].map((value) => value.toFixed(0)).join(' '),
    })),
  );
  let over = false;
  for (const budget of spec.budgets ?? []) {
    const verdict = judge(budget, perRun, addedPerCall, usPerUnit, spec);
    if (!verdict) continue;
    over ||= !verdict.ok;
    console.log(verdict.line);
  }
  for (const note of spec.notes ?? []) console.log(note);
  if (over) process.exitCode = 1;
}

/**
 * The bare run's CPU µs per run in exactly the window callgrind counted (the same runs, warm-up,
 * fence and flags, without valgrind), the fastest of three processes: the instructions-to-µs rate
 * is the machine's, and neighbours on a shared machine only ever slow a process down. The rate is
 * every instruction of that window (compiling and collecting included) over its CPU time, so both
 * sides hold the same work. Until 2026-12-06 (evening) the rate divided the window's code-only
 * count by the CPU time of an unfenced process with a fifth of the warm-up, which still spent most
 * of its time tiering the framework up: on the ADK bench 520-580 µs per run against 200-220 µs
 * after 9,000 warm-up runs, so the rate read 2,104 per µs where the consistent one reads ~4,700,
 * and every µs figure was about twice too high.
 */
async function fastestBare(spec, runs) {
  const warmup = countedWarmup(spec, 'bare');
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 3; i++)
    fastest = Math.min(fastest, (await runChild('bare', { runs, warmup, fenced: true })).cpuUsPerRun);
  return fastest;
}

/**
 * Our own code's instructions per model call that a variant adds over its bare run (medians over
 * their processes; a bench's bare run may use the core itself), if counted.
 */
function ownCodePerCall(spec, name) {
  const values = ownCodePerRun.get(name);
  const bare = ownCodePerRun.get(bareOf(spec, name));
  if (values === undefined || bare === undefined) return undefined;
  return (median(values) - median(bare)) / callsOf(spec, name);
}

/** One budget's verdict, or undefined when a variant it names was not measured. */
function judge(budget, perRun, addedPerCall, usPerUnit, spec) {
  const us = (units) => `${(units * usPerUnit).toFixed(1)} µs`;
  if ('long' in budget) {
    if (!(budget.long in perRun) || !(budget.short in perRun)) return undefined;
    const added = addedPerCall(budget.long) / addedPerCall(budget.short);
    const addedLine = `${budget.long} adds ${us(addedPerCall(budget.long))} per model call, ${added.toFixed(2)}x ${budget.short}'s ${us(addedPerCall(budget.short))}`;
    const floors = budget.longFloor !== undefined && budget.shortFloor !== undefined;
    if (!floors || !(budget.longFloor in perRun) || !(budget.shortFloor in perRun)) {
      const ok = added <= budget.maxRatio;
      return {
        ok,
        line: `${addedLine}: ${ok ? 'within' : 'OVER'} the run-length budget of ${budget.maxRatio}x`,
      };
    }
    const ownLong = addedPerCall(budget.long) - addedPerCall(budget.longFloor);
    const ownShort = addedPerCall(budget.short) - addedPerCall(budget.shortFloor);
    // an own cost at or below its floor in the short run leaves no ratio to judge (the floor's noise)
    if (!(ownShort > 0))
      return {
        ok: true,
        line: `${addedLine}; own cost in the short run ${us(ownShort)}, at or below its floor: ratio not evaluated`,
      };
    const ratio = ownLong / ownShort;
    const ok = ratio <= budget.maxRatio;
    return {
      ok,
      line: `${addedLine}; own cost (over each run's same-hooks floor) ${us(ownLong)} against ${us(ownShort)}, ${ratio.toFixed(2)}x: ${ok ? 'within' : 'OVER'} the run-length budget of ${budget.maxRatio}x`,
    };
  }
  if (!(budget.adapter in perRun) || !(budget.floor in perRun)) return undefined;
  const adapter = addedPerCall(budget.adapter);
  const floor = addedPerCall(budget.floor);
  if ('maxOwnUs' in budget) {
    // A floor does all that bare does and more, so it cannot truly cost less than bare. When it
    // measures below bare, its process tiered the framework's own code better than bare's did
    // (seen on the AI SDK's middleware floor: +3 k in some processes, -32 k in others, each
    // deterministic), and subtracting that would charge the framework's luck to the adapter. Such
    // a floor counts as adding nothing: the adapter is then judged on all it adds over bare.
    const below = floor < 0;
    const own = (adapter - (below ? 0 : floor)) * usPerUnit;
    const ok = own <= budget.maxOwnUs;
    const floorText = below ? `${us(floor)}, below bare, so counted as 0` : us(floor);
    const byFunction = ownCodePerCall(spec, budget.adapter);
    const whole = `own cost ${own.toFixed(1)} µs per model call (${us(adapter)} added, its same-hooks floor ${budget.floor} ${floorText})`;
    if (byFunction === undefined)
      return {
        ok,
        line: `${budget.adapter}: ${whole}: ${ok ? 'within' : 'OVER'} the budget of ${budget.maxOwnUs} µs${budget.byFunction ? ` (this path is judged by function with BENCH_OWN_CODE=1: ${budget.byFunction})` : ''}`,
      };
    const direct = `our own code by function ${(byFunction / 1000).toFixed(1)} k instructions per model call (${(byFunction * usPerUnit).toFixed(1)} µs)`;
    if (budget.byFunction) {
      const directOk = byFunction * usPerUnit <= budget.maxOwnUs;
      return {
        ok: directOk,
        line: `${budget.adapter}: ${direct}: ${directOk ? 'within' : 'OVER'} the budget of ${budget.maxOwnUs} µs (judged by function: ${budget.byFunction}); whole process, as a cross-check: ${whole}`,
      };
    }
    return {
      ok,
      line: `${budget.adapter}: ${whole}: ${ok ? 'within' : 'OVER'} the budget of ${budget.maxOwnUs} µs; ${direct}`,
    };
  }
  if (!(floor > 0))
    return {
      ok: true,
      line: `${budget.adapter}: ${budget.floor} measured within noise of bare; ratio not evaluated`,
    };
  const ratio = adapter / floor;
  const total = `${budget.adapter} adds ${us(adapter)} per model call, ${ratio.toFixed(2)}x what ${budget.floor} adds (${us(floor)})`;
  const own = budget.ownFloors;
  const ownPeer = own !== undefined && own.peer in perRun ? floor - addedPerCall(own.peer) : Number.NaN;
  if (own === undefined || !(own.adapter in perRun) || !(ownPeer > 0)) {
    const ok = ratio <= budget.maxRatio;
    return { ok, line: `${total}: ${ok ? 'within' : 'OVER'} the budget of ${budget.maxRatio.toFixed(2)}x` };
  }
  // #19: a path whose floor is the framework's own machinery (any integration switches it on, the
  // peer's too) is judged on its own cost, here against the peer's own cost over the peer's floor
  const ownAdapter = adapter - addedPerCall(own.adapter);
  const likeForLike = ownAdapter / ownPeer;
  const ok = likeForLike <= budget.maxRatio;
  return {
    ok,
    line: `${total}; like for like, own cost ${us(ownAdapter)} over the peer's own ${us(ownPeer)} (each over its same-hooks floor): ${likeForLike.toFixed(2)}x, ${ok ? 'within' : 'OVER'} the budget of ${budget.maxRatio.toFixed(2)}x (judged like for like: this path's floor is the framework's machinery)`,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
