import { wrapLLMEvent } from '@llamaindex/core/decorator';
import { Settings } from '@llamaindex/core/global';
import { type ChatMessage, ToolCallLLM } from '@llamaindex/core/llms';
import { agent } from '@llamaindex/workflow';
import { InMemoryExporter, burstScenarioProblems, heapAfterGcMB } from '@metrics/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { MetricsCallbackManager } from './index.js';
import { add } from './test-helpers.js';

/**
 * 5,000 concurrent agent runs in one process, each 2 model calls and 1 tool call, per registration
 * path. The model is a scripted in-process LLM (LlamaIndex's `ToolCallLLM` with its own `llm-*`
 * events via `wrapLLMEvent`): 10,000 HTTP requests through the testkit would make the suite slow.
 * Every record must be exact, and the heap after GC must come back near its baseline.
 */
const RUNS = Number(process.env.RUNS ?? 5_000);
const before = Settings.callbackManager;
afterEach(() => {
  Settings.callbackManager = before;
});

/** Turn 1 asks for `add`, turn 2 answers; usage derived from the run number (input 10+n / 20+n, output 2 / 3). */
class ScriptedLLM extends ToolCallLLM {
  supportToolCall = true;
  metadata = {
    model: 'scripted',
    temperature: 0,
    topP: 1,
    contextWindow: 8000,
    tokenizer: undefined,
    structuredOutput: false,
  };
  chat: ToolCallLLM['chat'];
  constructor(private readonly n: number) {
    super();
    this.chat = wrapLLMEvent(this.answer.bind(this) as never, {} as never) as never;
  }
  async answer(params: { messages: ChatMessage[] }) {
    const toolTurn = params.messages.at(-1)?.options === undefined;
    const n = this.n;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const usage = (input: number, output: number) => ({
      prompt_tokens: input,
      completion_tokens: output,
      total_tokens: input + output,
    });
    const chunks = toolTurn
      ? [
          {
            delta: '',
            raw: {},
            options: { toolCall: [{ id: `t${n}`, name: 'add', input: { a: n, b: 1 } }] },
          },
          { delta: '', raw: { usage: usage(10 + n, 2) } },
        ]
      : [
          { delta: `sum ${n + 1}`, raw: {} },
          { delta: '', raw: { usage: usage(20 + n, 3) } },
        ];
    return (async function* stream() {
      for (const chunk of chunks) yield chunk;
    })();
  }
}

async function burst(register: (exporter: InMemoryExporter) => (n: number) => Promise<unknown>) {
  const exporter = new InMemoryExporter();
  const start = register(exporter);
  // warm-up (JIT, module caches), then the baseline
  await Promise.all(Array.from({ length: 50 }, (_, n) => start(n)));
  await exporter.waitFor(50);
  exporter.records.length = 0;
  const baseline = await heapAfterGcMB();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: RUNS }, (_, n) => start(n)));
  const records = await exporter.waitFor(RUNS, 60_000);
  const seconds = (performance.now() - startedAt) / 1000;
  expect(burstScenarioProblems(records, RUNS)).toEqual([]);
  exporter.records.length = 0;
  const after = await heapAfterGcMB();
  console.log(
    `burst ${RUNS}: ${seconds.toFixed(1)} s, heap ${baseline.toFixed(1)} -> ${after.toFixed(1)} MB`,
  );
  expect(after - baseline).toBeLessThan(25);
}

describe(`a burst of ${RUNS} concurrent runs (2 model calls, 1 tool each)`, () => {
  it('Settings.callbackManager = new MetricsCallbackManager(...): every record exact, heap back near baseline', async () => {
    await burst((exporter) => {
      const manager = new MetricsCallbackManager({ exporters: [exporter], logger: false });
      Settings.callbackManager = manager;
      return (n) => agent({ llm: new ScriptedLLM(n), tools: [add] }).run(`go ${n}`);
    });
  }, 120_000);

  it('manager.instrument(agent(...)): every record exact, heap back near baseline', async () => {
    await burst((exporter) => {
      const manager = new MetricsCallbackManager({ exporters: [exporter], logger: false });
      return (n) => manager.instrument(agent({ llm: new ScriptedLLM(n), tools: [add] })).run(`go ${n}`);
    });
  }, 120_000);
});
