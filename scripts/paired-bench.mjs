// The one benchmark harness of the adapters: what an adapter adds to a framework run, against the
// bare run and against the framework's own floor (a minimal hand-written hook of the same kind).
//
// Every variant is measured in its own child processes, interleaved round by round with the bare
// run: hooks of different kinds never share a process, so one variant's JIT and GC state is never
// charged to another (in one process, six LangChain variants skewed the handler's ratio from 1.07
// to 1.5). Each process reports the median of its paired differences (variant round − the bare
// round next to it); the harness reports the median over processes, which are run in rotated
// order. Time is the process's CPU time (user + system): on a shared 2-core machine wall time
// mostly measures the neighbours.
//
// A bench file calls `pairedBench(...)` at top level; the same file is the child (it sees
// PAIRED_BENCH_VARIANT and measures that variant). Exits 1 when a budget is exceeded.
import { spawn } from 'node:child_process';
import process from 'node:process';

const CHILD_ENV = 'PAIRED_BENCH_VARIANT';

/**
 * @param {object} spec
 * @param {string} spec.title what one run is, e.g. "createAgent, 2 model calls + 1 tool call"
 * @param {number} spec.modelCallsPerRun model calls in one run (µs are reported per model call)
 * @param {Record<string, () => (() => Promise<unknown>) | Promise<() => Promise<unknown>>>} spec.variants
 *   name → factory of a function doing one run; must contain `bare`
 * @param {Array<{ adapter: string, floor: string, maxRatio: number }>} [spec.budgets]
 * @param {(variant: string) => void} [spec.check] throws when a hook did not run (called in the child)
 * @param {number} [spec.processes] child processes per variant (default 3, env BENCH_PROCESSES);
 *   env BENCH_ONLY=<substring> measures only the variants whose name contains it
 * @param {number} [spec.rounds] rounds per process (default 12, env BENCH_ROUNDS)
 * @param {number} [spec.runsPerRound] runs per round (env BENCH_RUNS)
 * @param {boolean} [spec.gcBetweenRounds] collect garbage before every round, outside the timing:
 *   for frameworks whose runs leave so much garbage that a major GC landing in one round or
 *   another swamps the difference being measured
 * @param {string[]} [spec.notes] lines printed under the table (peer figures, caveats)
 */
export async function pairedBench(spec) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? spec.rounds ?? 12);
  const runsPerRound = Number(process.env.BENCH_RUNS ?? spec.runsPerRound ?? 40);
  const variant = process.env[CHILD_ENV];
  if (variant !== undefined) {
    await measureInChild(spec, variant, rounds, runsPerRound);
    return;
  }
  await coordinate(spec, rounds, runsPerRound);
}

async function measureInChild(spec, name, rounds, runsPerRound) {
  const factory = spec.variants[name];
  if (!factory) throw new Error(`unknown variant ${name}`);
  const runBare = await spec.variants.bare();
  const runVariant = await factory();
  const collect = spec.gcBetweenRounds && typeof globalThis.gc === 'function' ? globalThis.gc : () => {};
  const timeRound = async (run, runs) => {
    collect();
    const start = process.cpuUsage();
    for (let i = 0; i < runs; i++) await run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / runs;
  };
  await timeRound(runBare, runsPerRound * 2); // warm-up
  await timeRound(runVariant, runsPerRound * 2);
  const bare = [];
  const measured = [];
  for (let r = 0; r < rounds; r++) {
    if (r % 2) {
      measured.push(await timeRound(runVariant, runsPerRound));
      bare.push(await timeRound(runBare, runsPerRound));
    } else {
      bare.push(await timeRound(runBare, runsPerRound));
      measured.push(await timeRound(runVariant, runsPerRound));
    }
  }
  spec.check?.(name);
  const result = {
    bare: median(bare),
    variant: median(measured),
    added: median(measured.map((value, i) => value - bare[i])),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function runChild(name, gc) {
  return new Promise((resolve, reject) => {
    const flags = gc && !process.execArgv.includes('--expose-gc') ? ['--expose-gc'] : [];
    const child = spawn(
      process.execPath,
      [...process.execArgv, ...flags, process.argv[1], ...process.argv.slice(2)],
      {
        env: { ...process.env, [CHILD_ENV]: name },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`variant ${name} exited with ${code}`));
      else resolve(JSON.parse(line));
    });
  });
}

async function coordinate(spec, rounds, runsPerRound) {
  const processes = Number(process.env.BENCH_PROCESSES ?? spec.processes ?? 3);
  // BENCH_ONLY=substring measures only the variants whose name contains it (and bare)
  const only = process.env.BENCH_ONLY;
  const names = Object.keys(spec.variants).filter(
    (name) => name !== 'bare' && (only === undefined || name.includes(only)),
  );
  if (!spec.variants.bare) throw new Error('pairedBench needs a `bare` variant');
  const results = Object.fromEntries(names.map((name) => [name, []]));
  const started = performance.now();
  for (let p = 0; p < processes; p++) {
    const order = names.map((_, i) => names[(i + p) % names.length]);
    for (const name of order) {
      process.stderr.write(`  ${name} (process ${p + 1}/${processes})\n`);
      results[name].push(await runChild(name, spec.gcBetweenRounds === true));
    }
  }
  const perCall = spec.modelCallsPerRun;
  const bareUs = median(names.flatMap((name) => results[name].map((r) => r.bare)));
  const added = Object.fromEntries(names.map((name) => [name, median(results[name].map((r) => r.added))]));
  console.log(
    `${spec.title}: ${processes} processes per variant x ${rounds} rounds x ${runsPerRound} runs, ` +
      `paired with the bare run; CPU µs (user+system), medians; ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  console.table([
    { variant: 'bare', 'µs/run': bareUs.toFixed(0), 'x bare': '1.00', 'µs added/model call': '0' },
    ...names.map((name) => ({
      variant: name,
      'µs/run': (bareUs + added[name]).toFixed(0),
      'x bare': ((bareUs + added[name]) / bareUs).toFixed(3),
      'µs added/model call': (added[name] / perCall).toFixed(1),
      'per process (µs/call)': results[name].map((r) => (r.added / perCall).toFixed(1)).join(' '),
    })),
  ]);
  let over = false;
  for (const { adapter, floor, maxRatio } of spec.budgets ?? []) {
    if (!(adapter in added) || !(floor in added)) continue;
    const a = added[adapter];
    const f = added[floor];
    if (!(f > 0)) {
      console.log(`${adapter}: its floor (${floor}) measured within noise of bare; ratio not evaluated`);
      continue;
    }
    const ratio = a / f;
    const ok = ratio <= maxRatio;
    over ||= !ok;
    console.log(
      `${adapter} adds ${(a / perCall).toFixed(1)} µs per model call, ${ratio.toFixed(2)}x what ${floor} adds ` +
        `(${(f / perCall).toFixed(1)} µs): ${ok ? 'within' : 'OVER'} the budget of ${maxRatio}x`,
    );
  }
  for (const note of spec.notes ?? []) console.log(note);
  if (over) process.exitCode = 1;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
