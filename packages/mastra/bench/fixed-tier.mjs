// Runs a variant whose name ends in ", baseline tier" with V8's optimizing tiers (Maglev,
// TurboFan) off, so every function runs in the baseline tier (Sparkplug) for the whole process.
// Imported first by the bench file: the flags are set before any code gets hot.
//
// Why: a 50-call Mastra run costs ~11 M instructions per model call in Mastra itself (its
// per-call work grows with the conversation), and which of its functions are optimized, or
// deoptimized and re-optimized, inside the measured window moves that by more than the adapter's
// whole cost (two processes of the tiered pair, same build: the adapter's run 56 M instructions
// per run BELOW bare). In one fixed tier the same pair differs by the adapter's work alone, and
// our own code runs in the baseline tier in the tiered windows anyway (the fence's full
// collection discards its optimized code).
import { setFlagsFromString } from 'node:v8';

export const BASELINE_TIER = ', baseline tier';

if (process.env.OVERHEAD_BENCH_VARIANT?.endsWith(BASELINE_TIER))
  setFlagsFromString('--no-maglev --no-turbofan');
