// Overhead of @metrics/mastra on a 2-model-call agent run (a tool call, then an answer) with an
// in-process fake model: bare, with a minimal hand-written hook of the same kind (the framework's
// own floor), and with the adapter. Rounds are interleaved; medians are reported.
// Run: pnpm --filter @metrics/mastra build && pnpm --filter @metrics/mastra bench
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { Metrics } from '@metrics/core';
import { MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';
import { MastraMetricsExporter, withMetrics } from '../dist/index.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const CALLS_PER_RUN = 2;

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

function fakeModel() {
  let n = 0;
  const chunks = () => {
    n++;
    if (n % 2 === 1)
      return [
        { type: 'stream-start', warnings: [] },
        { type: 'tool-call', toolCallId: `c${n}`, toolName: 'add', input: '{"a":1,"b":2}' },
        { type: 'finish', finishReason: { unified: 'tool-calls', raw: 'tool_calls' }, usage: usage(10, 5) },
      ];
    return [
      { type: 'stream-start', warnings: [] },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'three' },
      { type: 'text-end', id: 't' },
      { type: 'finish', finishReason: { unified: 'stop', raw: 'stop' }, usage: usage(20, 3) },
    ];
  };
  const generated = () => {
    n++;
    if (n % 2 === 1)
      return {
        content: [{ type: 'tool-call', toolCallId: `c${n}`, toolName: 'add', input: '{"a":1,"b":2}' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage: usage(10, 5),
        warnings: [],
      };
    return {
      content: [{ type: 'text', text: 'three' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: usage(20, 3),
      warnings: [],
    };
  };
  return new MockLanguageModelV4({
    doGenerate: async () => generated(),
    doStream: async () => ({
      stream: new ReadableStream({
        start(controller) {
          for (const chunk of chunks()) controller.enqueue(chunk);
          controller.close();
        },
      }),
    }),
  });
}

const add = createTool({
  id: 'add',
  description: 'add',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => ({ sum: a + b }),
});

const newAgent = (model = fakeModel()) =>
  new Agent({ id: 'bench', name: 'bench', instructions: 'x', model, tools: { add } });

function onMastra(exporters) {
  const agent = newAgent();
  const mastra = new Mastra({
    agents: { bench: agent },
    logger: false,
    ...(exporters
      ? { observability: new Observability({ configs: { default: { serviceName: 'bench', exporters } } }) }
      : {}),
  });
  return mastra.getAgent('bench');
}

// The floor of the exporter path: Mastra's tracing on, with an exporter that only sums usage.
const summing = {
  name: 'sum-usage',
  total: 0,
  async exportTracingEvent(event) {
    const span = event.exportedSpan;
    if (event.type === 'span_ended' && span.type === 'model_inference')
      this.total += span.attributes?.usage?.inputTokens ?? 0;
  },
  async flush() {},
  async shutdown() {},
};

// The floor of the standalone path: a model wrapper that only times each call.
const timing = { spent: 0 };
function timedModel() {
  const model = fakeModel();
  return new Proxy(model, {
    get(target, key, receiver) {
      if (key === 'doGenerate' || key === 'doStream')
        return async (options) => {
          const start = performance.now();
          const result = await target[key](options);
          timing.spent += performance.now() - start;
          return result;
        };
      return Reflect.get(target, key, receiver);
    },
  });
}

const sink = { export() {} };
const variants = {
  'Mastra, no observability (bare)': onMastra(undefined),
  'Mastra + exporter that sums usage (floor)': onMastra([summing]),
  'Mastra + MastraMetricsExporter': onMastra([new MastraMetricsExporter(new Metrics({ exporters: [sink] }))]),
  'standalone Agent (bare)': newAgent(),
  'standalone + timing model wrapper (floor)': newAgent(timedModel()),
  'standalone + withMetrics': withMetrics(newAgent(), new Metrics({ exporters: [sink] })),
};

// CPU time (user + system) of the process per run: on a shared machine wall time mostly measures
// the neighbours; the agent runs in-process with a fake model, so its cost is CPU.
async function once(agent) {
  const start = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) await agent.generate('what is 1+2?');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / RUNS; // µs per run
}

for (const agent of Object.values(variants)) await once(agent); // warm up
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, agent] of Object.entries(variants)) {
    globalThis.gc?.();
    samples[name].push(await once(agent));
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const med = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const groups = [
  [
    'Mastra, no observability (bare)',
    'Mastra + exporter that sums usage (floor)',
    'Mastra + MastraMetricsExporter',
  ],
  ['standalone Agent (bare)', 'standalone + timing model wrapper (floor)', 'standalone + withMetrics'],
];
console.log(
  `@metrics/mastra overhead: ${ROUNDS} interleaved rounds × ${RUNS} runs, ${CALLS_PER_RUN} model calls per run (median CPU time per run)`,
);
for (const [bare, floor, adapter] of groups) {
  for (const name of [bare, floor, adapter]) {
    const added = (med[name] - med[bare]) / CALLS_PER_RUN;
    console.log(
      `  ${name.padEnd(44)} ${(med[name] / 1000).toFixed(3).padStart(8)} ms/run  ×${(med[name] / med[bare]).toFixed(3)}  ${added >= 0 ? '+' : ''}${added.toFixed(1)} µs/model call`,
    );
  }
  const floorAdded = med[floor] - med[bare];
  const adapterAdded = med[adapter] - med[bare];
  console.log(
    `  → adapter adds ${(adapterAdded / CALLS_PER_RUN).toFixed(1)} µs/call vs the floor's ${(floorAdded / CALLS_PER_RUN).toFixed(1)} µs/call (adapter beyond the floor: ${((med[adapter] - med[floor]) / CALLS_PER_RUN).toFixed(1)} µs/call, ${(((med[adapter] - med[floor]) / med[floor]) * 100).toFixed(1)}% of a floor run)`,
  );
}
