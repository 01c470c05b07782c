// Overhead of @metrics/llamaindex on an agent() run with an in-process fake model (2 model calls,
// 1 tool call per run), against the bare agent and against the framework's own floor: a per-run
// callback manager (Settings.withCallbackManager) whose llm-end handler only sums usage.
// Rounds are interleaved; run `pnpm build` first. Usage: node bench/overhead.bench.mjs [rounds] [runsPerRound]
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
const floorAgent = bare; // the same agent: only the hook differs
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

// CPU time (user + system) per run: on a shared 2-core machine wall time mostly measures the
// neighbours; the work the process does is what the adapter adds.
async function round(run) {
  globalThis.gc?.();
  const start = process.cpuUsage();
  for (let i = 0; i < RUNS; i++) await run('what is 1 + 2?');
  const used = process.cpuUsage(start);
  return (used.user + used.system) / RUNS; // µs per run
}

for (const run of Object.values(variants)) await round(run); // warm-up
const samples = { bare: [], floor: [], adapter: [] };
const names = Object.keys(variants);
for (let r = 0; r < ROUNDS; r++) {
  // rotate the order so no variant always runs first (or last) in a round
  const order = names.map((_, i) => names[(i + r) % names.length]);
  for (const name of order) samples[name].push(await round(variants[name]));
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// paired differences per round cancel the drift of a shared machine
const added = (name) => median(samples[name].map((v, i) => v - samples.bare[i])) / MODEL_CALLS_PER_RUN;
const bareUs = median(samples.bare);
console.log(
  `agent() run, ${MODEL_CALLS_PER_RUN} model calls + 1 tool call, ${ROUNDS} rounds x ${RUNS} runs, CPU µs (user+system), medians`,
);
console.log(`bare      ${bareUs.toFixed(1).padStart(8)} µs/run`);
for (const name of ['floor', 'adapter']) {
  const perCall = added(name);
  const ratio = (bareUs + perCall * MODEL_CALLS_PER_RUN) / bareUs;
  console.log(
    `${name.padEnd(8)}  x${ratio.toFixed(3)}  ${perCall >= 0 ? '+' : ''}${perCall.toFixed(1)} µs per model call`,
  );
}
console.log(
  `adapter cost / floor cost: ${(added('adapter') / Math.max(added('floor'), 1e-9)).toFixed(2)} (records ${records}, floor tokens ${floorTokens})`,
);
