// Overhead of @metrics/ai-sdk on an AI SDK 7 agent with an in-process fake model (2 model calls and
// 1 tool call per run). Variants are interleaved run by run (so machine noise hits them alike);
// each reports the median time per run, its ratio to the bare agent and the microseconds added
// per model call. `pnpm bench` runs ../dist (`pnpm build` first); ~5–15 s.
import { createMetrics } from '@metrics/core';
import { generateText, jsonSchema, stepCountIs, tool, wrapLanguageModel } from 'ai';
import { aiSdkMiddleware, aiSdkTelemetry } from '../dist/index.js';

const RUNS = Number(process.env.RUNS ?? 2500);
const MODEL_CALLS = 2;

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});
let ids = 0;
const fakeModel = {
  specificationVersion: 'v4',
  provider: 'fake',
  modelId: 'fake-model',
  supportedUrls: {},
  async doGenerate({ prompt }) {
    const last = prompt[prompt.length - 1];
    if (last?.role === 'tool')
      return {
        content: [{ type: 'text', text: 'done' }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: usage(30, 5),
        warnings: [],
      };
    return {
      content: [{ type: 'tool-call', toolCallId: `call_${++ids}`, toolName: 'add', input: '{"a":1,"b":2}' }],
      finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      usage: usage(20, 8),
      warnings: [],
    };
  },
  async doStream() {
    throw new Error('not used');
  },
};
const tools = {
  add: tool({
    inputSchema: jsonSchema({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } }),
    execute: async ({ a, b }) => a + b,
  }),
};

const discard = { export() {} };
const metrics = createMetrics({ exporters: [discard], logger: false });

// the framework's floor: a middleware that only times the call, an integration that only sums usage
let timed = 0;
const floorMiddleware = {
  specificationVersion: 'v3',
  async wrapGenerate({ doGenerate }) {
    const t = performance.now();
    const result = await doGenerate();
    timed += performance.now() - t;
    return result;
  },
};
let summed = 0;
const floorTelemetry = {
  onLanguageModelCallEnd(event) {
    summed += event.usage.inputTokens ?? 0;
  },
};

// what the AI SDK itself spends on an integration with the adapter's hooks, all empty
const sameHooks = Object.fromEntries(
  Object.keys(aiSdkTelemetry(metrics))
    .filter((key) => key !== 'metrics')
    .map((key) => [key, key.startsWith('execute') ? ({ execute }) => execute() : () => {}]),
);

const off = { isEnabled: false };
const adapterMiddleware = aiSdkMiddleware(metrics);
const adapterTelemetry = aiSdkTelemetry(metrics);
const variants = {
  bare: { model: fakeModel, telemetry: off },
  'floor: middleware': {
    model: wrapLanguageModel({ model: fakeModel, middleware: floorMiddleware }),
    telemetry: off,
  },
  'adapter: middleware': {
    model: wrapLanguageModel({ model: fakeModel, middleware: adapterMiddleware }),
    telemetry: off,
  },
  'floor: telemetry': { model: fakeModel, telemetry: { integrations: [floorTelemetry] } },
  'SDK cost of the same hooks, empty': { model: fakeModel, telemetry: { integrations: [sameHooks] } },
  'adapter: telemetry': { model: fakeModel, telemetry: { integrations: [adapterTelemetry] } },
  'adapter: both': {
    model: wrapLanguageModel({ model: fakeModel, middleware: adapterMiddleware }),
    telemetry: { integrations: [adapterTelemetry] },
  },
};

async function runOnce({ model, telemetry }) {
  const result = await generateText({
    model,
    tools,
    stopWhen: stepCountIs(3),
    prompt: 'add 1 and 2',
    telemetry,
  });
  if (result.steps.length !== MODEL_CALLS) throw new Error(`expected ${MODEL_CALLS} steps`);
}

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
const names = Object.keys(variants);
for (const name of names) for (let i = 0; i < 100; i++) await runOnce(variants[name]); // warm up
for (let i = 0; i < RUNS; i++) {
  const order = i % 2 ? names : [...names].reverse();
  for (const name of order) {
    const start = performance.now();
    await runOnce(variants[name]);
    samples[name].push((performance.now() - start) * 1000);
  }
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const bare = median(samples.bare);
const rows = Object.keys(variants).map((name) => {
  const us = median(samples[name]);
  return {
    variant: name,
    'µs/run': us.toFixed(1),
    'ratio to bare': (us / bare).toFixed(3),
    'µs added per model call': ((us - bare) / MODEL_CALLS).toFixed(1),
  };
});
console.log(
  `AI SDK 7 generateText, ${MODEL_CALLS} model calls + 1 tool call per run; median of ${RUNS} runs per variant, interleaved`,
);
console.table(rows);
const added = (name) => (median(samples[name]) - bare) / MODEL_CALLS;
for (const kind of ['middleware', 'telemetry']) {
  const floor = added(`floor: ${kind}`);
  const adapter = added(`adapter: ${kind}`);
  console.log(
    `${kind}: adapter adds ${adapter.toFixed(1)} µs per model call, floor ${floor.toFixed(1)} µs ` +
      `(adapter − floor = ${(adapter - floor).toFixed(1)} µs; total time ${((median(samples[`adapter: ${kind}`]) / median(samples[`floor: ${kind}`]) - 1) * 100).toFixed(1)}% over the floor)`,
  );
}
if (timed < 0 || summed < 0) console.log('');
