// Where an invocation's instructions go in the core, part by part (run under callgrind with
// scripts/callgrind-window.mjs, one PART per process; each part adds to the previous one):
//   empty      startInvocation + end (the record, its summary, the exporter call)
//   calls      + 2 model calls started and ended without usage
//   usage      + their usage (fromOpenAIChatUsage) and a first token each
//   tool       + 1 tool call (the full invocation of invocation-cost.mjs)
import { createMetrics, fromOpenAIChatUsage } from '../dist/index.js';

const part = process.env.PART ?? 'tool';
const n = Number(process.env.N ?? 20000);
const warmup = Number(process.env.WARMUP ?? 2000);
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
const start = process.cpuUsage();
for (let i = 0; i < n; i++) one();
const used = process.cpuUsage(start);
console.log(
  JSON.stringify({ part, cpuUsPerInvocation: (used.user + used.system) / Math.max(n, 1), records }),
);
