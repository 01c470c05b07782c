// Overhead of @metrics/llamaindex on an agent() run with an in-process fake model (2 model calls,
// 1 tool call per run), against the bare agent and against the framework's own floor: a per-run
// callback manager (Settings.withCallbackManager) whose llm-end handler only sums usage.
// Each process runs one variant (scripts/overhead-bench.mjs explains why). Run `pnpm build` first.
import { wrapLLMEvent } from '@llamaindex/core/decorator';
import { CallbackManager, Settings } from '@llamaindex/core/global';
import { ToolCallLLM } from '@llamaindex/core/llms';
import { tool } from '@llamaindex/core/tools';
import { agent } from '@llamaindex/workflow';
import { createMetrics, fromLlamaIndexRaw } from '@metrics/core';
import { z } from 'zod';
import { overheadBench } from '../../../scripts/overhead-bench.mjs';
import { MetricsCallbackManager, llamaindexMetrics } from '../dist/index.js';

const MODEL_CALLS_PER_RUN = 2;
// the long run: 49 tool steps, then the answer (per-call cost must not grow with the conversation)
const LONG_CALLS = 50;

class FakeLLM extends ToolCallLLM {
  supportToolCall = true;
  metadata = {
    model: 'fake',
    temperature: 0,
    topP: 1,
    contextWindow: 8000,
    tokenizer: undefined,
    structuredOutput: false,
  };
  constructor(steps = MODEL_CALLS_PER_RUN) {
    super();
    this.steps = steps;
    this.chat = wrapLLMEvent(this.answer.bind(this), {});
  }
  async answer(params) {
    const toolResults = params.messages.filter((m) => m.options?.toolResult !== undefined).length;
    const toolTurn = toolResults < this.steps - 1;
    const usage = { prompt_tokens: 20, completion_tokens: 5, total_tokens: 25 };
    const chunks = toolTurn
      ? [
          { delta: '', raw: {}, options: { toolCall: [{ id: 't1', name: 'add', input: { a: 1, b: 2 } }] } },
          { delta: '', raw: { usage } },
        ]
      : [
          { delta: 'The answer ', raw: {} },
          { delta: 'is 3.', raw: {} },
          { delta: '', raw: { usage } },
        ];
    return (async function* stream() {
      for (const chunk of chunks) yield chunk;
    })();
  }
}

const add = tool({
  name: 'add',
  description: 'add',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: ({ a, b }) => a + b,
});

const bare = agent({ llm: new FakeLLM(), tools: [add] });
const floorAgent = bare; // the same agent: only the hook differs
let floorTokens = 0;
const floor = (input, on = floorAgent) => {
  const cm = new CallbackManager();
  cm.on('llm-end', (event) => {
    const raw = event.detail.response.raw;
    const usage = Array.isArray(raw) ? raw.at(-1)?.raw?.usage : raw?.usage;
    floorTokens += usage?.total_tokens ?? 0;
  });
  return Settings.withCallbackManager(cm, () => on.run(input));
};
let records = 0;
// diagnostic: the floor's hooks plus the same record made by hand through the core's manual API
// (adapter minus this = the adapter's own mapping, beyond the core's recording)
let lastManual;
const manualMetrics = createMetrics({
  exporters: [
    {
      export: (record) => {
        records++;
        lastManual = record;
      },
    },
  ],
  logger: false,
});
let manualRun;
const manualAgent = agent({
  llm: new FakeLLM(),
  tools: [
    tool({
      name: 'add',
      description: 'add',
      parameters: z.object({ a: z.number(), b: z.number() }),
      execute: ({ a, b }) => {
        manualRun?.startToolCall({ name: 'add', type: 'function' }).end();
        return a + b;
      },
    }),
  ],
});
const floorManual = async (input) => {
  const run = manualMetrics.startInvocation({ providerType: 'LLAMAINDEX', model: 'fake' });
  manualRun = run;
  const calls = new Map();
  // a per-run manager that handles events synchronously, as the adapter's does (no CustomEvent,
  // no microtask per event: CallbackManager.on would cost more than the recording)
  const manager = {
    on: () => manager,
    off: () => manager,
    dispatchEvent(type, detail) {
      if (type === 'llm-start') calls.set(detail.id, { call: run.startModelCall({}), first: true });
      else if (type === 'llm-stream') {
        const open = calls.get(detail.id);
        if (open?.first && (detail.chunk.delta || detail.chunk.options?.toolCall)) {
          open.first = false;
          open.call.firstToken();
        }
      } else if (type === 'llm-end') {
        const open = calls.get(detail.id);
        calls.delete(detail.id);
        open?.call.end({ usage: fromLlamaIndexRaw(detail.response.raw), model: 'fake' });
      }
    },
  };
  const result = await Settings.withCallbackManager(manager, () => manualAgent.run(input));
  run.end();
  return result;
};
const metrics = llamaindexMetrics({ exporters: [{ export: () => void records++ }], logger: false });
const instrumented = metrics.instrument(agent({ llm: new FakeLLM(), tools: [add] }));
// the README's registration: the callback manager in Settings, the agent untouched
const viaSettings = (calls) => () => {
  Settings.callbackManager = new MetricsCallbackManager({
    exporters: [{ export: () => void records++ }],
    logger: false,
  });
  const plain = agent({ llm: new FakeLLM(calls), tools: [add] });
  return () => plain.run('what is 1 + 2?');
};
const long = (run) => ({ run, modelCallsPerRun: LONG_CALLS, bare: `bare, ${LONG_CALLS} calls` });

await overheadBench({
  title: `agent() run, ${MODEL_CALLS_PER_RUN} streamed model calls + 1 tool call per run`,
  runs: 4000,
  modelCallsPerRun: MODEL_CALLS_PER_RUN,
  variants: {
    bare: () => () => bare.run('what is 1 + 2?'),
    'floor: per-run callback manager summing usage': () => () => floor('what is 1 + 2?'),
    'floor + manual recording (diagnostic)': () => () => floorManual('what is 1 + 2?'),
    'adapter: Settings.callbackManager': viaSettings(),
    'adapter: instrument(agent)': () => () => instrumented.run('what is 1 + 2?'),
    [`bare, ${LONG_CALLS} calls`]: long(() => {
      const plain = agent({ llm: new FakeLLM(LONG_CALLS), tools: [add] });
      return () => plain.run('what is 1 + 2?');
    }),
    // the run-length budget's own cost: LlamaIndex's own per-call work grows with the conversation
    // once any per-run callback manager is installed (its context stream walks a longer chain per
    // event), so the long run is judged over a long floor
    [`floor: per-run callback manager summing usage, ${LONG_CALLS} calls`]: long(() => {
      const plain = agent({ llm: new FakeLLM(LONG_CALLS), tools: [add] });
      return () => floor('what is 1 + 2?', plain);
    }),
    [`adapter: instrument(agent), ${LONG_CALLS} calls`]: long(() => {
      const agentOf = metrics.instrument(agent({ llm: new FakeLLM(LONG_CALLS), tools: [add] }));
      return () => agentOf.run('what is 1 + 2?');
    }),
    [`adapter: Settings.callbackManager, ${LONG_CALLS} calls`]: long(viaSettings(LONG_CALLS)),
  },
  budgets: [
    {
      adapter: 'adapter: Settings.callbackManager',
      floor: 'floor: per-run callback manager summing usage',
      maxOwnUs: 10,
    },
    {
      adapter: 'adapter: instrument(agent)',
      floor: 'floor: per-run callback manager summing usage',
      maxOwnUs: 10,
    },
    {
      long: `adapter: instrument(agent), ${LONG_CALLS} calls`,
      short: 'adapter: instrument(agent)',
      longFloor: `floor: per-run callback manager summing usage, ${LONG_CALLS} calls`,
      shortFloor: 'floor: per-run callback manager summing usage',
      maxRatio: 1.25,
    },
    {
      long: `adapter: Settings.callbackManager, ${LONG_CALLS} calls`,
      short: 'adapter: Settings.callbackManager',
      longFloor: `floor: per-run callback manager summing usage, ${LONG_CALLS} calls`,
      shortFloor: 'floor: per-run callback manager summing usage',
      maxRatio: 1.25,
    },
  ],
  check: (name) => {
    if (name.startsWith('adapter') && records === 0) throw new Error('the adapter recorded nothing');
    if (name.startsWith('floor:') && floorTokens === 0) throw new Error('the floor summed nothing');
    if (name.startsWith('floor +') && records === 0) throw new Error('the manual floor recorded nothing');
    if (process.env.BENCH_SHOW_RECORD) console.error(JSON.stringify(lastManual));
  },
  notes: ['No peer integration instruments @llamaindex/workflow agents to compare with.'],
});
