// Preload for instruction counts on a shared machine (CPU time there swings with the neighbours):
// callgrind counts only the measured runs of one variant, between the harness's two
// process.cpuUsage() calls (after the warm-up). Usage (one variant per process):
//   OVERHEAD_BENCH_VARIANT='adapter: MetricsPlugin' OVERHEAD_BENCH_RUNS=1000 valgrind --tool=callgrind \
//     --instr-atstart=no --callgrind-out-file=/dev/null node --import ./bench/callgrind-window.mjs \
//     --random-seed=1 --hash-seed=1 --single-threaded --max-semi-space-size=64 bench/overhead.bench.mjs
// and read "Collected : N" (instructions of N runs).
import { execFileSync } from 'node:child_process';
import process from 'node:process';

const cpuUsage = process.cpuUsage.bind(process);
let counting = false;
process.cpuUsage = (previous) => {
  if (previous === undefined && !counting) {
    counting = true;
    execFileSync('callgrind_control', ['-i', 'on', String(process.pid)], { stdio: 'ignore' });
  } else if (previous !== undefined && counting) {
    execFileSync('callgrind_control', ['-i', 'off', String(process.pid)], { stdio: 'ignore' });
    counting = false;
  }
  return cpuUsage(previous);
};
