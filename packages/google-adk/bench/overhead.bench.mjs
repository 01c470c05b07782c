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
import { MetricsPlugin } from '../dist/index.js';

setLogger(null);
const MODEL_CALLS = 2;
const usageMetadata = { promptTokenCount: 120, candidatesTokenCount: 12, totalTokenCount: 132 };

class FakeLlm extends BaseLlm {
  async *generateContentAsync(request) {
    const answered = request.contents.some((c) => c.parts?.some((p) => p.functionResponse));
    yield answered
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

function variant(plugins) {
  const agent = new LlmAgent({
    name: 'bench',
    instruction: 'x',
    model: new FakeLlm({ model: 'fake' }),
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

await overheadBench({
  title: `@google/adk Runner, ${MODEL_CALLS} model calls + 1 function tool per run`,
  runs: 3000,
  modelCallsPerRun: MODEL_CALLS,
  variants: {
    bare: () => variant([]),
    'floor: hand-written BasePlugin (times calls, sums usage)': () => variant([new TimingPlugin()]),
    'adapter: MetricsPlugin': () => variant([new MetricsPlugin({ exporters: [discard], logger: false })]),
  },
  check: (name) => {
    if (name !== 'bare' && sink.records === 0) throw new Error(`${name}: no run was recorded`);
  },
  budgets: [
    {
      adapter: 'adapter: MetricsPlugin',
      floor: 'floor: hand-written BasePlugin (times calls, sums usage)',
      maxOwnUs: 10,
    },
  ],
});
