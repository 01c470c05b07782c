// Overhead of @metrics/llamaindex on an agent() run with an in-process fake model (2 model calls,
// 1 tool call per run), against the bare agent and against the framework's own floor: a per-run
// callback manager (Settings.withCallbackManager) whose llm-end handler only sums usage.
// Rounds are interleaved; run `pnpm build` first. Usage: node bench/overhead.bench.mjs [rounds] [runsPerRound]
import { performance } from 'node:perf_hooks';
import { wrapLLMEvent } from '@llamaindex/core/decorator';
import { CallbackManager, Settings } from '@llamaindex/core/global';
import { ToolCallLLM } from '@llamaindex/core/llms';
import { tool } from '@llamaindex/core/tools';
import { agent } from '@llamaindex/workflow';
import { z } from 'zod';
import { llamaindexMetrics } from '../dist/index.js';

const ROUNDS = Number(process.argv[2] ?? 12);
const RUNS = Number(process.argv[3] ?? 150);
const MODEL_CALLS_PER_RUN = 2;

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
  constructor() {
    super();
    this.chat = wrapLLMEvent(this.answer.bind(this), {});
  }
  async answer(params) {
    const last = params.messages.at(-1);
    const toolTurn = last?.options?.toolResult === undefined;
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
const floorAgent = agent({ llm: new FakeLLM(), tools: [add] });
let floorTokens = 0;
const floor = (input) => {
  const cm = new CallbackManager();
  cm.on('llm-end', (event) => {
    const raw = event.detail.response.raw;
    const usage = Array.isArray(raw) ? raw.at(-1)?.raw?.usage : raw?.usage;
    floorTokens += usage?.total_tokens ?? 0;
  });
  return Settings.withCallbackManager(cm, () => floorAgent.run(input));
};
let records = 0;
const metrics = llamaindexMetrics({ exporters: [{ export: () => void records++ }], logger: false });
const instrumented = metrics.instrument(agent({ llm: new FakeLLM(), tools: [add] }));

const variants = {
  bare: (input) => bare.run(input),
  floor,
  adapter: (input) => instrumented.run(input),
};

async function round(run) {
  const start = performance.now();
  for (let i = 0; i < RUNS; i++) await run('what is 1 + 2?');
  return ((performance.now() - start) * 1000) / RUNS; // µs per run
}

for (const run of Object.values(variants)) await round(run); // warm-up
const samples = { bare: [], floor: [], adapter: [] };
for (let r = 0; r < ROUNDS; r++) {
  const order = Object.keys(variants);
  if (r % 2) order.reverse();
  for (const name of order) samples[name].push(await round(variants[name]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
const perCall = (name) => (m[name] - m.bare) / MODEL_CALLS_PER_RUN;
console.log(
  `agent() run, ${MODEL_CALLS_PER_RUN} model calls + 1 tool call, ${ROUNDS} rounds x ${RUNS} runs, median µs per run`,
);
for (const name of Object.keys(variants)) {
  console.log(
    `${name.padEnd(8)} ${m[name].toFixed(1).padStart(8)} µs/run  x${(m[name] / m.bare).toFixed(3)}  ${
      name === 'bare' ? '' : `${perCall(name) >= 0 ? '+' : ''}${perCall(name).toFixed(1)} µs per model call`
    }`,
  );
}
const ratio = perCall('adapter') / Math.max(perCall('floor'), 1e-9);
console.log(
  `adapter cost / floor cost: ${ratio.toFixed(2)} (records ${records}, floor tokens ${floorTokens})`,
);
