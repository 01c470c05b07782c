// Overhead of @metrics/langchain on a createAgent run with an in-process fake model (2 model calls,
// 1 tool call), against the framework's own floor for each hook kind:
//   handler:    a BaseCallbackHandler that only sums usage   vs MetricsCallbackHandler
//   middleware: a createMiddleware that only times the model and tool calls (wrapModelCall +
//               wrapToolCall, the same hooks the adapter uses) vs createMetricsMiddleware
//               (a wrapModelCall-only timer is shown for reference)
// Rounds are interleaved; the median per variant is reported. Time is the process's CPU time
// (user + system), which a loaded 2-core machine distorts far less than wall time; the wall-time
// median is printed too. Run `pnpm build` first.
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { createAgent, createMiddleware } from 'langchain';
import { z } from 'zod';
import { MetricsCallbackHandler } from '../dist/index.js';
import { createMetricsMiddleware } from '../dist/middleware.js';

class CycleModel extends BaseChatModel {
  _llmType() {
    return 'cycle';
  }
  bindTools() {
    return this;
  }
  async _generate(messages) {
    const last = messages[messages.length - 1];
    const message =
      last?.type === 'tool'
        ? new AIMessage({
            content: 'done',
            usage_metadata: { input_tokens: 20, output_tokens: 3, total_tokens: 23 },
          })
        : new AIMessage({
            content: '',
            tool_calls: [{ name: 'add', args: { a: 1, b: 2 }, id: `c${Math.random()}` }],
            usage_metadata: { input_tokens: 10, output_tokens: 5, total_tokens: 15 },
          });
    return { generations: [{ text: '', message }] };
  }
}

const add = tool(async ({ a, b }) => String(a + b), {
  name: 'add',
  description: 'adds',
  schema: z.object({ a: z.number(), b: z.number() }),
});
const input = { messages: [{ role: 'user', content: 'add 1 and 2' }] };
const MODEL_CALLS = 2;

class SumUsage extends BaseCallbackHandler {
  name = 'sum-usage';
  total = 0;
  constructor() {
    super({ _awaitHandler: true });
  }
  handleLLMEnd(output) {
    this.total += output.generations[0][0].message.usage_metadata?.total_tokens ?? 0;
  }
}
let timed = 0;
const timing = createMiddleware({
  name: 'Timing',
  wrapModelCall: async (request, handler) => {
    const start = performance.now();
    const result = await handler(request);
    timed += performance.now() - start;
    return result;
  },
});

const timingBoth = createMiddleware({
  name: 'TimingBoth',
  wrapModelCall: async (request, handler) => {
    const start = performance.now();
    const result = await handler(request);
    timed += performance.now() - start;
    return result;
  },
  wrapToolCall: async (request, handler) => {
    const start = performance.now();
    const result = await handler(request);
    timed += performance.now() - start;
    return result;
  },
});

const sumUsage = new SumUsage();
const handler = new MetricsCallbackHandler({ logger: false });
const variants = {
  bare: { agent: createAgent({ model: new CycleModel({}), tools: [add] }), config: {} },
  'handler floor (sums usage)': {
    agent: createAgent({ model: new CycleModel({}), tools: [add] }),
    config: { callbacks: [sumUsage] },
  },
  MetricsCallbackHandler: {
    agent: createAgent({ model: new CycleModel({}), tools: [add] }),
    config: { callbacks: [handler] },
  },
  'wrapModelCall-only timer (reference)': {
    agent: createAgent({ model: new CycleModel({}), tools: [add], middleware: [timing] }),
    config: {},
  },
  'middleware floor (times model + tool calls)': {
    agent: createAgent({ model: new CycleModel({}), tools: [add], middleware: [timingBoth] }),
    config: {},
  },
  createMetricsMiddleware: {
    agent: createAgent({
      model: new CycleModel({}),
      tools: [add],
      middleware: [createMetricsMiddleware({ logger: false })],
    }),
    config: {},
  },
};

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 12);
const RUNS = Number(process.env.BENCH_RUNS ?? 60);
const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const walls = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));

async function round(name, runs) {
  const { agent, config } = variants[name];
  const wall = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < runs; i++) await agent.invoke(input, config);
  const used = process.cpuUsage(cpu);
  walls[name]?.push((performance.now() - wall) / runs);
  return (used.user + used.system) / 1000 / runs;
}

for (const name of Object.keys(variants)) await round(name, 20); // warm-up
for (let r = 0; r < ROUNDS; r++) {
  const order = Object.keys(variants);
  if (r % 2) order.reverse();
  for (const name of order) samples[name].push(await round(name, RUNS));
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};
const bare = median(samples.bare);
const rows = Object.keys(variants).map((name) => {
  const ms = median(samples[name]);
  return {
    variant: name,
    'cpu ms/run': ms.toFixed(3),
    'wall ms/run': median(walls[name]).toFixed(3),
    'x bare': (ms / bare).toFixed(2),
    'µs added/model call': (((ms - bare) * 1000) / MODEL_CALLS).toFixed(0),
  };
});
console.log(
  `createAgent, ${MODEL_CALLS} model calls + 1 tool call per run, ${ROUNDS} rounds x ${RUNS} runs, median`,
);
console.table(rows);
const added = (name) => median(samples[name]) - bare;
const ratio = (adapter, floor) => {
  const a = added(adapter);
  const f = added(floor);
  if (f <= 0 || a <= 0)
    return `${(a * 1000).toFixed(0)} µs vs ${(f * 1000).toFixed(0)} µs per run (within noise of bare)`;
  return `${(a / f).toFixed(2)}x`;
};
console.log(
  `MetricsCallbackHandler adds ${ratio('MetricsCallbackHandler', 'handler floor (sums usage)')} its floor's overhead (budget 1.25x)`,
);
console.log(
  `createMetricsMiddleware adds ${ratio('createMetricsMiddleware', 'middleware floor (times model + tool calls)')} its floor's overhead (budget 1.25x)`,
);
console.log(
  `createMetricsMiddleware adds ${ratio('createMetricsMiddleware', 'MetricsCallbackHandler')} the overhead of the callback handler`,
);
if (sumUsage.total === 0 || timed === 0 || handler.tree.openInvocations !== 0)
  throw new Error('bench hooks did not run');
