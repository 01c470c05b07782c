// The one benchmark harness of the adapters: what an adapter adds to a framework run, against the
// bare run and against the framework's own floor (a minimal hand-written hook of the same kind).
//
// Every process runs exactly one variant, as a user's process would: the variants take turns,
// process after process, and each variant's figure is the median over its processes. Time is the
// process's CPU time (user + system), so neighbours on a shared machine do not count.
//
// Why not interleave variants in one process: with the bare agent and an instrumented one
// alternating in one process, the framework's shared code is compiled for both, and any extra
// code in the variant measured ~100 µs per model call more on LangChain than it costs alone (a
// hook that only calls crypto.randomUUID() "added" 196 µs per call, 2.4x its timing-only twin;
// in processes of their own the two measured the same).
//
// Why the V8 flags: with `--single-threaded` (no concurrent compiler and GC threads) and a
// larger young generation (fewer scavenges), the same variant measured in four processes spread
// over ±1% instead of ±15%, so the process medians resolve differences of a few percent.
//
// A bench file calls `overheadBench(...)` at top level; the same file is the child (it sees
// OVERHEAD_BENCH_VARIANT and measures that variant). Exits 1 when a budget is exceeded.
// Profiling: OVERHEAD_BENCH_VARIANT=<name> node --cpu-prof <bench file> measures one variant.
import { spawn } from 'node:child_process';
import process from 'node:process';

const CHILD_ENV = 'OVERHEAD_BENCH_VARIANT';
const RUNS_ENV = 'OVERHEAD_BENCH_RUNS';
const V8_FLAGS = ['--single-threaded', '--max-semi-space-size=64'];

/**
 * @param {object} spec
 * @param {string} spec.title what one run is, e.g. "createAgent, 2 model calls + 1 tool call"
 * @param {number} spec.modelCallsPerRun model calls in one run (µs are reported per model call)
 * @param {Record<string, () => (() => Promise<unknown>) | Promise<() => Promise<unknown>>>} spec.variants
 *   name → factory of a function doing one run; must contain `bare`
 * @param {number} spec.runs measured runs per process (env BENCH_RUNS); a fifth more warm up first
 * @param {Array<{ adapter: string, floor: string, maxRatio: number }>} [spec.budgets]
 * @param {(variant: string) => void} [spec.check] throws when a hook did not run (called in the child)
 * @param {number} [spec.processes] processes per variant (default 4, env BENCH_PROCESSES);
 *   env BENCH_ONLY=<substring> measures only the variants whose name contains it (and bare)
 * @param {string[]} [spec.notes] lines printed under the table (peer figures, caveats)
 * @returns {Promise<{ usPerRun: Record<string, number>, perProcess: Record<string, number[]> } | undefined>}
 *   in the coordinating process, the medians and per-process figures (for checks of its own)
 */
export async function overheadBench(spec) {
  const variant = process.env[CHILD_ENV];
  if (variant !== undefined) await measureInChild(spec, variant);
  else return coordinate(spec);
}

/** The variant this process measures, when it is a child (undefined in the coordinating process). */
export function benchVariant() {
  return process.env[CHILD_ENV];
}

async function measureInChild(spec, name) {
  const factory = spec.variants[name];
  if (!factory) throw new Error(`unknown variant ${name}`);
  const run = await factory();
  const runs = Number(process.env[RUNS_ENV] ?? spec.runs);
  for (let i = 0; i < Math.ceil(runs / 5); i++) await run(); // warm-up
  const start = process.cpuUsage();
  for (let i = 0; i < runs; i++) await run();
  const used = process.cpuUsage(start);
  spec.check?.(name);
  process.stdout.write(`${JSON.stringify({ cpuUsPerRun: (used.user + used.system) / runs })}\n`);
}

function runChild(name, runs) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...V8_FLAGS, ...process.execArgv, process.argv[1]], {
      env: { ...process.env, [CHILD_ENV]: name, [RUNS_ENV]: String(runs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`variant ${name} exited with ${code}`));
      else resolve(JSON.parse(line).cpuUsPerRun);
    });
  });
}

async function coordinate(spec) {
  if (!spec.variants.bare) throw new Error('overheadBench needs a `bare` variant');
  const processes = Number(process.env.BENCH_PROCESSES ?? spec.processes ?? 4);
  const runs = Number(process.env.BENCH_RUNS ?? spec.runs);
  const only = process.env.BENCH_ONLY;
  const names = [
    'bare',
    ...Object.keys(spec.variants).filter(
      (name) => name !== 'bare' && (only === undefined || name.includes(only)),
    ),
  ];
  const results = Object.fromEntries(names.map((name) => [name, []]));
  const started = performance.now();
  for (let p = 0; p < processes; p++) {
    // rotated, so no variant always runs right after the same neighbour
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + p) % names.length];
      process.stderr.write(`  ${name} (process ${p + 1}/${processes})\n`);
      results[name].push(await runChild(name, runs));
    }
  }
  const perCall = spec.modelCallsPerRun;
  const usPerRun = Object.fromEntries(names.map((name) => [name, median(results[name])]));
  const added = (name) => usPerRun[name] - usPerRun.bare;
  console.log(
    `${spec.title}: ${processes} processes per variant x ${runs} runs, one variant per process; ` +
      `CPU µs (user+system), medians over processes; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.table(
    names.map((name) => ({
      variant: name,
      'µs/run': usPerRun[name].toFixed(0),
      'x bare': (usPerRun[name] / usPerRun.bare).toFixed(3),
      'µs added/model call': (added(name) / perCall).toFixed(1),
      'per process (µs/run)': results[name].map((value) => value.toFixed(0)).join(' '),
    })),
  );
  let over = false;
  for (const { adapter, floor, maxRatio } of spec.budgets ?? []) {
    if (!(adapter in usPerRun) || !(floor in usPerRun)) continue;
    const a = added(adapter);
    const f = added(floor);
    if (!(f > 0)) {
      console.log(`${adapter}: its floor (${floor}) measured within noise of bare; ratio not evaluated`);
      continue;
    }
    const ratio = a / f;
    const ok = ratio <= maxRatio;
    over ||= !ok;
    console.log(
      `${adapter} adds ${(a / perCall).toFixed(1)} µs per model call, ${ratio.toFixed(2)}x what ${floor} adds ` +
        `(${(f / perCall).toFixed(1)} µs): ${ok ? 'within' : 'OVER'} the budget of ${maxRatio.toFixed(2)}x`,
    );
  }
  for (const note of spec.notes ?? []) console.log(note);
  if (over) process.exitCode = 1;
  return { usPerRun, perProcess: results };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
