// One invocation's cost in the core, as an adapter drives it, part by part (one PART per process;
// each part adds to the previous one; the default is the whole invocation):
//   empty      startInvocation through `Metrics` + end (the record, its summary, the exporter call)
//   calls      + 2 model calls started and ended without usage
//   usage      + their usage (fromOpenAIChatUsage) and a first token each
//   tool       + 1 tool call
// Prints CPU µs per invocation. For instructions, run it under callgrind with the window preload:
//   valgrind --tool=callgrind --instr-atstart=no node --import=../../scripts/callgrind-window.mjs \
//     --single-threaded --random-seed=1 --hash-seed=1 bench/invocation-parts.mjs
// The default warm-up is long (40,000 invocations): V8 was still tiering these small functions up
// to TurboFan after 10,000, and a compile inside the window costs more than thousands of runs.
// FENCE=1 forces a full garbage collection between the warm-up and the window, as the adapter
// benches do and as an agent's process does every few seconds. Before the core kept its template
// run (`recorder/kept-shapes.ts`), that collection freed the maps its optimized code embedded and
// V8 discarded the code: the window then ran in the baseline tier (measure that tier directly with
// `--no-maglev --no-turbofan` and WARMUP=5000).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMetrics, fromOpenAIChatUsage } from '../dist/index.js';

const part = process.env.PART ?? 'tool';
const n = Number(process.env.N ?? 20000);
const warmup = Number(process.env.WARMUP ?? 40000);
let records = 0;
const metrics = createMetrics({ exporters: [{ export: () => void records++ }], logger: false });
const raw = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
const withCalls = part !== 'empty';
const withUsage = part === 'usage' || part === 'tool';
function call(run) {
  const c = run.startModelCall({ model: 'm' });
  if (withUsage) {
    c.firstToken();
    c.end({ usage: fromOpenAIChatUsage(raw) });
  } else c.end({});
}
function one() {
  const run = metrics.startInvocation({ providerType: 'CUSTOM_PROVIDER', model: 'm' });
  if (withCalls) call(run);
  if (part === 'tool') run.startToolCall({ name: 'add', type: 'api' }).end();
  if (withCalls) call(run);
  run.end();
}
for (let i = 0; i < warmup; i++) one();
if (process.env.FENCE === '1') {
  setFlagsFromString('--expose-gc');
  runInNewContext('gc')();
}
const start = process.cpuUsage();
for (let i = 0; i < n; i++) one();
const used = process.cpuUsage(start);
console.log(
  JSON.stringify({ part, cpuUsPerInvocation: (used.user + used.system) / Math.max(n, 1), records }),
);
