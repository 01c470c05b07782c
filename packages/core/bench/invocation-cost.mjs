// One invocation's whole cost in the core, as an adapter drives it: start through `Metrics`, two
// model calls with usage and a first token, one tool call, end, and the record handed to an
// exporter. Prints CPU µs per invocation; under callgrind (see scripts/overhead-bench.mjs) the
// instruction count of N=0 against N=k gives the instructions per invocation.
import { createMetrics, fromOpenAIChatUsage } from '../dist/index.js';

const n = Number(process.env.N ?? 20000);
const warmup = Number(process.env.WARMUP ?? 2000);
let records = 0;
const metrics = createMetrics({ exporters: [{ export: () => void records++ }], logger: false });
const raw = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
function one() {
  const run = metrics.startInvocation({ providerType: 'CUSTOM_PROVIDER', model: 'm' });
  const first = run.startModelCall({ model: 'm' });
  first.firstToken();
  first.end({ usage: fromOpenAIChatUsage(raw) });
  run.startToolCall({ name: 'add', type: 'function' }).end();
  const second = run.startModelCall({ model: 'm' });
  second.firstToken();
  second.end({ usage: fromOpenAIChatUsage(raw) });
  run.end();
}
for (let i = 0; i < warmup; i++) one();
const start = process.cpuUsage();
for (let i = 0; i < n; i++) one();
const used = process.cpuUsage(start);
console.log(JSON.stringify({ cpuUsPerInvocation: (used.user + used.system) / Math.max(n, 1), records }));
