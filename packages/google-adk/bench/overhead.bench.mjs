// Own cost of @metrics/google-adk per model call: a real ADK Runner (in-memory sessions) running an
// LlmAgent on an in-process model (a BaseLlm answering a function call, then text: 2 model calls +
// 1 function tool per run, no network), against the same run without plugins. Each process runs
// one variant (scripts/overhead-bench.mjs explains why). `pnpm bench` runs ../dist (`pnpm build`
// first). Variants:
//   bare    the runner without plugins;
//   floor   the same callbacks in a hand-written BasePlugin that only times each model call and
//           sums its usage (and counts tools): what any per-call metering through the plugin slot costs;
//   adapter MetricsPlugin recording into a no-op exporter (records built, not sent).
// Budget: the adapter's own cost (adapter minus floor) ≤ 10 µs per model call.
import {
  BaseLlm,
  BasePlugin,
  FunctionTool,
  InMemorySessionService,
  LlmAgent,
  Runner,
  setLogger,
} from '@google/adk';
import { z } from 'zod';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { createMetrics, fromGeminiUsage } from '@metrics/core';
import { MetricsPlugin } from '../dist/index.js';

setLogger(null);
const MODEL_CALLS = 2;
// the long run: 49 tool steps, then the answer (per-call cost must not grow with the conversation)
const LONG_CALLS = 50;
const usageMetadata = { promptTokenCount: 120, candidatesTokenCount: 12, totalTokenCount: 132 };

/** Calls the `lookup` tool until `calls - 1` function responses are in the request, then answers. */
class FakeLlm extends BaseLlm {
  constructor(fields, calls = MODEL_CALLS) {
    super(fields);
    this.calls = calls;
  }
  async *generateContentAsync(request) {
    let responses = 0;
    for (const content of request.contents)
      for (const part of content.parts ?? []) if (part.functionResponse) responses++;
    yield responses >= this.calls - 1
      ? { content: { role: 'model', parts: [{ text: 'done' }] }, usageMetadata, finishReason: 'STOP' }
      : {
          content: {
            role: 'model',
            parts: [{ functionCall: { id: 'c1', name: 'lookup', args: { q: 'x' } } }],
          },
          usageMetadata,
          finishReason: 'STOP',
        };
  }
  async connect() {
    throw new Error('not used');
  }
}

const lookup = new FunctionTool({
  name: 'lookup',
  description: 'looks up',
  parameters: z.object({ q: z.string() }),
  execute: async ({ q }) => ({ found: q }),
});

const sink = { ms: 0, input: 0, output: 0, tools: 0, records: 0 };

/** The floor: the same plugin callbacks, timing each model call and summing its usage. */
class TimingPlugin extends BasePlugin {
  constructor() {
    super('timing');
    this.started = new Map();
  }
  async beforeModelCallback({ callbackContext }) {
    this.started.set(callbackContext.invocationId, performance.now());
  }
  async afterModelCallback({ callbackContext, llmResponse }) {
    sink.ms += performance.now() - this.started.get(callbackContext.invocationId);
    this.started.delete(callbackContext.invocationId);
    sink.input += llmResponse.usageMetadata?.promptTokenCount ?? 0;
    sink.output += llmResponse.usageMetadata?.candidatesTokenCount ?? 0;
  }
  async beforeToolCallback() {
    sink.tools++;
  }
  async afterToolCallback() {
    sink.tools++;
  }
  async beforeRunCallback() {}
  async afterRunCallback() {
    sink.records++;
  }
}

/**
 * Diagnostic: the floor's callbacks recording the same invocation by hand through the core's
 * manual API (startInvocation, startModelCall/end, startToolCall/end). The adapter minus this is
 * what the adapter's own mapping costs beyond the core's recording.
 */
class ManualPlugin extends BasePlugin {
  constructor(metrics) {
    super('manual');
    this.metrics = metrics;
    this.runs = new Map();
  }
  async beforeRunCallback({ invocationContext }) {
    const recorder = this.metrics.startInvocation({
      providerType: 'GOOGLE_AGENT_DEVELOPMENT_KIT',
      name: 'bench',
      sessionId: invocationContext.session.id,
      model: 'fake',
    });
    this.runs.set(invocationContext.invocationId, { recorder, call: undefined, tool: undefined });
  }
  async beforeModelCallback({ callbackContext }) {
    const run = this.runs.get(callbackContext.invocationId);
    run.call = run.recorder.startModelCall({ model: 'fake' });
  }
  async afterModelCallback({ callbackContext, llmResponse }) {
    const run = this.runs.get(callbackContext.invocationId);
    run.call.end({ usage: fromGeminiUsage(llmResponse.usageMetadata) });
  }
  async beforeToolCallback({ tool, toolContext }) {
    const run = this.runs.get(toolContext.invocationId);
    run.tool = run.recorder.startToolCall({ name: tool.name, callId: toolContext.functionCallId });
  }
  async afterToolCallback({ toolContext }) {
    this.runs.get(toolContext.invocationId).tool.end();
  }
  async afterRunCallback({ invocationContext }) {
    this.runs.get(invocationContext.invocationId).recorder.end();
    this.runs.delete(invocationContext.invocationId);
  }
}

function variant(plugins, calls = MODEL_CALLS) {
  const agent = new LlmAgent({
    name: 'bench',
    instruction: 'x',
    model: new FakeLlm({ model: 'fake' }, calls),
    tools: [lookup],
  });
  const sessionService = new InMemorySessionService();
  const runner = new Runner({ appName: 'bench', agent, sessionService, plugins });
  const newMessage = { role: 'user', parts: [{ text: 'go' }] };
  return async () => {
    // a fresh session per run (deleted after it), so the history and the heap stay the same size
    const session = await sessionService.createSession({ appName: 'bench', userId: 'u' });
    let last;
    for await (const event of runner.runAsync({ userId: 'u', sessionId: session.id, newMessage }))
      last = event;
    if (last?.content?.parts?.[0]?.text !== 'done') throw new Error('unexpected last event');
  };
}

const discard = {
  export() {
    sink.records++;
  },
};

const long = (run) => ({ run, modelCallsPerRun: LONG_CALLS, bare: `bare, ${LONG_CALLS} calls` });

await overheadBench({
  title: `@google/adk Runner, ${MODEL_CALLS} model calls + 1 function tool per run`,
  runs: 3000,
  modelCallsPerRun: MODEL_CALLS,
  variants: {
    bare: () => variant([]),
    'floor: hand-written BasePlugin (times calls, sums usage)': () => variant([new TimingPlugin()]),
    'floor + manual core recording': () =>
      variant([new ManualPlugin(createMetrics({ exporters: [discard], logger: false }))]),
    'adapter: MetricsPlugin': () => variant([new MetricsPlugin({ exporters: [discard], logger: false })]),
    [`bare, ${LONG_CALLS} calls`]: long(() => variant([], LONG_CALLS)),
    [`adapter: MetricsPlugin, ${LONG_CALLS} calls`]: long(() =>
      variant([new MetricsPlugin({ exporters: [discard], logger: false })], LONG_CALLS),
    ),
  },
  check: (name) => {
    if (!name.startsWith('bare') && sink.records === 0) throw new Error(`${name}: no run was recorded`);
  },
  budgets: [
    {
      adapter: 'adapter: MetricsPlugin',
      floor: 'floor: hand-written BasePlugin (times calls, sums usage)',
      maxOwnUs: 10,
    },
    { long: `adapter: MetricsPlugin, ${LONG_CALLS} calls`, short: 'adapter: MetricsPlugin', maxRatio: 1.25 },
  ],
});
