// Preloaded (`node --import`) into a bench child that runs under `valgrind --tool=callgrind
// --instr-atstart=no`: callgrind counts only the measured window of scripts/overhead-bench.mjs, the
// code between its two process.cpuUsage() calls (after the warm-up), so one process gives the
// instructions of exactly N runs. callgrind_control switches the counting on and off.
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
