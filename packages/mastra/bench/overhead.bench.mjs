// Overhead of @metrics/mastra on a 2-model-call agent run (a tool call, then an answer) with an
// in-process fake model, on both registration paths: bare, the same-hooks floor (an observability
// exporter that only sums usage; a model wrapper that only times each call) and the adapter. Each
// process runs one variant (scripts/overhead-bench.mjs explains why).
// Run: pnpm --filter @metrics/mastra build && pnpm --filter @metrics/mastra bench
// first: sets V8's flags for the ", baseline tier" variants before any code gets hot
import { BASELINE_TIER } from './fixed-tier.mjs';
import { Agent } from '@mastra/core/agent';
import { Mastra } from '@mastra/core/mastra';
import { createTool } from '@mastra/core/tools';
import { Observability } from '@mastra/observability';
import { Metrics, fromAiSdkProviderUsage } from '@metrics/core';
import { MockLanguageModelV4 } from 'ai/test';
import { z } from 'zod';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { MetricsExporter, withMetrics } from '../dist/index.js';

const CALLS_PER_RUN = 2;
// the long run: 49 tool steps, then the answer (per-call cost must not grow with the conversation)
const LONG_CALLS = 50;

const usage = (input, output) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** Asks for the `add` tool on each of a run's first `calls - 1` calls, then answers. */
function fakeModel(calls = CALLS_PER_RUN) {
  let n = 0;
  const asksForTool = () => n % calls !== 0;
  const chunks = () => {
    n++;
    if (asksForTool())
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
    if (asksForTool())
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

function onMastra(exporters, model = fakeModel()) {
  const agent = newAgent(model);
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

let records = 0;
const sink = { export: () => void records++ };

// Diagnostic: the floor's model wrapper recording the same invocation by hand through the core's
// manual API (one invocation per run, each model call with its model and usage, the tool call
// from the tool itself); withMetrics(agent) minus this is what the adapter's own mapping costs.
let manualRun;
let manualCalls = 0;
function manualModel() {
  const model = fakeModel();
  return new Proxy(model, {
    get(target, key, receiver) {
      if (key === 'doGenerate')
        return async (options) => {
          const call = manualRun.startModelCall({ model: target.modelId, provider: target.provider });
          const result = await target.doGenerate(options);
          call.end({ usage: fromAiSdkProviderUsage(result.usage) });
          manualCalls++;
          return result;
        };
      return Reflect.get(target, key, receiver);
    },
  });
}
const addByHand = createTool({
  id: 'add',
  description: 'add',
  inputSchema: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => {
    const call = manualRun.startToolCall({ name: 'add' });
    const result = { sum: a + b };
    call.end();
    return result;
  },
});
function byHand() {
  const metrics = new Metrics({ exporters: [sink] });
  const agent = new Agent({
    id: 'bench',
    name: 'bench',
    instructions: 'x',
    model: manualModel(),
    tools: { add: addByHand },
  });
  return () => {
    manualRun = metrics.startInvocation({ providerType: 'MASTRA', name: 'bench' });
    return agent.generate('what is 1+2?').then((result) => {
      manualRun.end();
      return result;
    });
  };
}
const standalone = (factory) => ({ run: factory, bare: 'standalone: bare' });
const generate = (agent) => () => agent.generate('what is 1+2?');
const longRun = (factory) => ({
  run: factory,
  modelCallsPerRun: LONG_CALLS,
  bare: `standalone: bare, ${LONG_CALLS} calls`,
});
const longOnMastra = (factory) => ({
  run: factory,
  modelCallsPerRun: LONG_CALLS,
  bare: `bare, ${LONG_CALLS} calls`,
});
const generateLong = (agent) => () => agent.generate('what is 1+2?', { maxSteps: LONG_CALLS + 1 });
// The run-length budget's pairs: the 2-call and the 50-call run, each bare and with the adapter,
// every function in V8's baseline tier (bench/fixed-tier.mjs explains why)
const BARE_FIXED = `standalone: bare${BASELINE_TIER}`;
const BARE_LONG_FIXED = `standalone: bare, ${LONG_CALLS} calls${BASELINE_TIER}`;
const ADAPTER_FIXED = `adapter: withMetrics(agent)${BASELINE_TIER}`;
const ADAPTER_LONG_FIXED = `adapter: withMetrics(agent), ${LONG_CALLS} calls${BASELINE_TIER}`;
const fixedTier = (factory) => ({ run: factory, bare: BARE_FIXED });
const longFixedTier = (factory) => ({ run: factory, modelCallsPerRun: LONG_CALLS, bare: BARE_LONG_FIXED });

await overheadBench({
  title: `Mastra agent.generate, ${CALLS_PER_RUN} model calls + 1 tool call per run`,
  runs: 1000,
  // The default counted warm-up (400 runs) ends before the adapter's code has tiered up: under
  // callgrind (one process each, 50-run windows, 2026-12-07) withMetrics(agent) added 66.4 k
  // instructions per model call over bare after 400 warm-up runs and 50.5 k after 3,000, while its
  // timing-wrapper floor added 13.6 k and 16.2 k (own cost 52.8 k -> 34.3 k); bare, the floor and
  // the adapter each ran ~0.48 M per run cheaper after 3,000 (Mastra's own tier-up). At 400,
  // --trace-opt still showed `finish` compiling inside the window; after 1,000, none of ours.
  // A long-lived agent process is past this warm-up within minutes.
  warmup: 3000,
  modelCallsPerRun: CALLS_PER_RUN,
  variants: {
    bare: () => generate(onMastra(undefined)),
    'floor: exporter that sums usage': () => generate(onMastra([summing])),
    'adapter: MetricsExporter': () =>
      generate(onMastra([new MetricsExporter(new Metrics({ exporters: [sink] }))])),
    'standalone: bare': standalone(() => generate(newAgent())),
    'floor: standalone, timing model wrapper': standalone(() => generate(newAgent(timedModel()))),
    'by hand: timing wrapper + core manual API (diagnostic)': standalone(byHand),
    'adapter: withMetrics(agent)': standalone(() =>
      generate(withMetrics(newAgent(), new Metrics({ exporters: [sink] }))),
    ),
    [`standalone: bare, ${LONG_CALLS} calls`]: longRun(() => generateLong(newAgent(fakeModel(LONG_CALLS)))),
    [`adapter: withMetrics(agent), ${LONG_CALLS} calls`]: longRun(() =>
      generateLong(withMetrics(newAgent(fakeModel(LONG_CALLS)), new Metrics({ exporters: [sink] }))),
    ),
    // the exporter path over a run's length: Mastra's tracing on, bare and with each exporter
    [`bare, ${LONG_CALLS} calls`]: longOnMastra(() =>
      generateLong(onMastra(undefined, fakeModel(LONG_CALLS))),
    ),
    [`floor: exporter that sums usage, ${LONG_CALLS} calls`]: longOnMastra(() =>
      generateLong(onMastra([summing], fakeModel(LONG_CALLS))),
    ),
    [`adapter: MetricsExporter, ${LONG_CALLS} calls`]: longOnMastra(() =>
      generateLong(
        onMastra([new MetricsExporter(new Metrics({ exporters: [sink] }))], fakeModel(LONG_CALLS)),
      ),
    ),
    [BARE_FIXED]: fixedTier(() => generate(newAgent())),
    [ADAPTER_FIXED]: fixedTier(() => generate(withMetrics(newAgent(), new Metrics({ exporters: [sink] })))),
    [BARE_LONG_FIXED]: longFixedTier(() => generateLong(newAgent(fakeModel(LONG_CALLS)))),
    [ADAPTER_LONG_FIXED]: longFixedTier(() =>
      generateLong(withMetrics(newAgent(fakeModel(LONG_CALLS)), new Metrics({ exporters: [sink] }))),
    ),
  },
  budgets: [
    {
      adapter: 'adapter: MetricsExporter',
      floor: 'floor: exporter that sums usage',
      maxOwnUs: 10,
      byFunction: "Mastra's tracing, about 4.2 M instructions per model call, lands in two modes 250 k apart",
    },
    {
      adapter: 'adapter: withMetrics(agent)',
      floor: 'floor: standalone, timing model wrapper',
      maxOwnUs: 10,
      byFunction:
        "Mastra's agent.generate, about 6.8 M instructions per model call, moves the floor by 10 k or more between processes of the same code (9 k below bare on 2026-12-07)",
    },
    // judged in the baseline tier: the tiered 50-call pair is shown, but its difference is
    // within what V8's tiering moves Mastra's own 11 M instructions per model call
    { long: ADAPTER_LONG_FIXED, short: ADAPTER_FIXED, maxRatio: 1.25 },
    // the exporter's own cost over its floor's, each in a 50-call and a 2-call run: Mastra's
    // tracing is most of what the path adds, and its own per-call cost may grow with a run
    {
      long: `adapter: MetricsExporter, ${LONG_CALLS} calls`,
      short: 'adapter: MetricsExporter',
      longFloor: `floor: exporter that sums usage, ${LONG_CALLS} calls`,
      shortFloor: 'floor: exporter that sums usage',
      maxRatio: 1.25,
    },
  ],
  check: (name) => {
    if (name.startsWith('adapter') && records === 0) throw new Error('the adapter recorded nothing');
    if (name.startsWith('floor: exporter that sums usage') && summing.total === 0)
      throw new Error('the floor exporter summed nothing');
    if (name.includes('timing model') && timing.spent === 0) throw new Error('the floor wrapper did not run');
    if (name.startsWith('by hand') && (manualCalls === 0 || records === 0))
      throw new Error('the manual recording did not run');
  },
});
