import { Agent } from '@mastra/core/agent';
import { noopLogger } from '@mastra/core/logger';
import { Mastra } from '@mastra/core/mastra';
import { Observability } from '@mastra/observability';
import { InMemoryExporter, burstScenarioProblems, heapAfterGcMB } from '@metrics/core/testing';
import { MockLanguageModelV4 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { instrumentAgent } from './standalone.js';
import { MetricsExporter } from './mastra-exporter.js';
import { add } from './test-helpers.js';

/**
 * 5,000 concurrent agent runs in one process, each 2 model calls and 1 tool call, per
 * registration path. The model is the AI SDK's in-process `MockLanguageModelV4` with a scripted
 * answer (10,000 HTTP requests through the testkit would make the suite slow). Every record must
 * be exact, and the heap after GC must come back near its baseline.
 */
const RUNS = Number(process.env.RUNS ?? 5_000);

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** Turn 1 asks for `add` (input 10+n, output 2), turn 2 answers (input 20+n, output 3); n from the prompt. */
function scriptedModel(): MockLanguageModelV4 {
  return new MockLanguageModelV4({
    modelId: 'scripted',
    doGenerate: async ({ prompt }) => {
      const n = Number(/go (\d+)/.exec(JSON.stringify(prompt))?.[1]);
      const toolTurn = prompt.at(-1)?.role !== 'tool';
      await new Promise((resolve) => setTimeout(resolve, 5));
      return toolTurn
        ? {
            content: [{ type: 'tool-call', toolCallId: `t${n}`, toolName: 'add', input: `{"a":${n},"b":1}` }],
            finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
            usage: usage(10 + n, 2),
            warnings: [],
          }
        : {
            content: [{ type: 'text', text: `sum ${n + 1}` }],
            finishReason: { unified: 'stop', raw: 'stop' },
            usage: usage(20 + n, 3),
            warnings: [],
          };
    },
  });
}

function newAgent(model: MockLanguageModelV4): Agent {
  const agent = new Agent({
    id: 'adder',
    name: 'adder',
    instructions: 'Add.',
    model: model as unknown as Agent['model'],
    tools: { add },
  });
  agent.__setLogger(noopLogger);
  return agent;
}

type Setup = (exporter: InMemoryExporter, model: MockLanguageModelV4) => (n: number) => Promise<unknown>;

async function burst(name: string, setup: Setup): Promise<void> {
  const exporter = new InMemoryExporter();
  const model = scriptedModel();
  const start = setup(exporter, model);
  // the mock keeps every call it was given: forgotten before each heap reading (not ours to measure)
  const forget = () => {
    exporter.records.length = 0;
    model.doGenerateCalls.length = 0;
  };
  // warm-up (JIT, module caches), then the baseline
  await Promise.all(Array.from({ length: 50 }, (_, n) => start(n)));
  await exporter.waitFor(50);
  forget();
  const baseline = await heapAfterGcMB();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: RUNS }, (_, n) => start(n)));
  const records = await exporter.waitFor(RUNS, 60_000);
  const seconds = (performance.now() - startedAt) / 1000;
  expect(burstScenarioProblems(records, RUNS)).toEqual([]);
  forget();
  const after = await heapAfterGcMB();
  console.log(
    `burst ${RUNS} (${name}): ${seconds.toFixed(1)} s, heap ${baseline.toFixed(1)} -> ${after.toFixed(1)} MB`,
  );
  expect(after - baseline).toBeLessThan(25);
}

describe(`a burst of ${RUNS} concurrent agent runs (2 model calls, 1 tool each)`, () => {
  it('MetricsExporter on the Mastra instance: every record exact, heap back near baseline', async () => {
    let metricsExporter: MetricsExporter | undefined;
    await burst('exporter', (exporter, model) => {
      metricsExporter = new MetricsExporter({ exporters: [exporter], logger: false });
      const mastra = new Mastra({
        agents: { adder: newAgent(model) },
        observability: new Observability({
          configs: { default: { serviceName: 'burst', exporters: [metricsExporter] } },
        }),
        logger: false,
      });
      const agent = mastra.getAgent('adder');
      return (n) => agent.generate(`go ${n}`, { maxSteps: 3 });
    });
    await metricsExporter?.shutdown();
  }, 900_000);

  it('instrumentAgent(agent) (withMetrics): every record exact, heap back near baseline', async () => {
    let uninstrument: (() => void) | undefined;
    await burst('instrumentAgent', (exporter, model) => {
      const handle = instrumentAgent(newAgent(model), { exporters: [exporter], logger: false });
      uninstrument = handle.uninstrument;
      return (n) => handle.agent.generate(`go ${n}`, { maxSteps: 3 });
    });
    uninstrument?.();
  }, 900_000);
});
