import type { Metrics } from '@metrics/core';
import { createMetrics } from '@metrics/core';
import { InMemoryExporter, burstScenarioProblems, heapAfterGcMB } from '@metrics/core/testing';
import { generateText, registerTelemetry, stepCountIs, tool, wrapLanguageModel } from 'ai';
import { MockLanguageModelV4 } from 'ai/test';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMetricsMiddleware, createMetricsTelemetry } from './index.js';

/**
 * 5,000 concurrent `generateText` calls in one process, each 2 model calls and 1 tool call, per
 * registration path. The model is the AI SDK's in-process `MockLanguageModelV4` with a scripted
 * answer (10,000 HTTP requests through the testkit would make the suite slow). Every record must
 * be exact, and the heap after GC must come back near its baseline.
 */
const RUNS = Number(process.env.RUNS ?? 5_000);

afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
});

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
  outputTokens: { total: output, text: output, reasoning: 0 },
});

/** Turn 1 asks for `add` (input 10+n, output 2), turn 2 answers (input 20+n, output 3); n from the prompt. */
function scriptedModel() {
  return new MockLanguageModelV4({
    modelId: 'scripted',
    doGenerate: async ({ prompt }) => {
      const text = JSON.stringify(prompt[0]);
      const n = Number(/go (\d+)/.exec(text)?.[1]);
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

const tools = {
  add: tool({ inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => a + b }),
};

type Registration = 'telemetry' | 'middleware' | 'both';

function register(
  registration: Registration,
  metrics: Metrics,
  base: MockLanguageModelV4,
): (n: number) => Promise<unknown> {
  const model =
    registration === 'telemetry'
      ? base
      : wrapLanguageModel({ model: base, middleware: createMetricsMiddleware({ metrics }) as never });
  if (registration !== 'middleware') registerTelemetry(createMetricsTelemetry({ metrics }));
  const telemetry = registration === 'middleware' ? { telemetry: { isEnabled: false } } : {};
  return (n) => generateText({ model, tools, stopWhen: stepCountIs(3), prompt: `go ${n}`, ...telemetry });
}

async function burst(registration: Registration): Promise<void> {
  const exporter = new InMemoryExporter();
  const metrics = createMetrics({ exporters: [exporter], logger: false });
  const base = scriptedModel();
  const start = register(registration, metrics, base);
  // the mock keeps every call it was given: forgotten before each heap reading (not ours to measure)
  const forgetCalls = () => {
    base.doGenerateCalls.length = 0;
  };
  // warm-up (JIT, module caches), then the baseline
  await Promise.all(Array.from({ length: 50 }, (_, n) => start(n)));
  await exporter.waitFor(50);
  exporter.records.length = 0;
  forgetCalls();
  const baseline = await heapAfterGcMB();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: RUNS }, (_, n) => start(n)));
  const records = await exporter.waitFor(RUNS, 60_000);
  const seconds = (performance.now() - startedAt) / 1000;
  expect(burstScenarioProblems(records, RUNS)).toEqual([]);
  exporter.records.length = 0;
  forgetCalls();
  const after = await heapAfterGcMB();
  console.log(
    `burst ${RUNS} (${registration}): ${seconds.toFixed(1)} s, heap ${baseline.toFixed(1)} -> ${after.toFixed(1)} MB`,
  );
  expect(after - baseline).toBeLessThan(25);
}

describe(`a burst of ${RUNS} concurrent generateText calls (2 model calls, 1 tool each)`, () => {
  it('registerTelemetry(createMetricsTelemetry(...)): every record exact, heap back near baseline', async () => {
    await burst('telemetry');
  }, 120_000);

  it('wrapLanguageModel({ middleware: createMetricsMiddleware(...) }) alone: every record exact, heap back near baseline', async () => {
    await burst('middleware');
  }, 120_000);

  it('both: every record exact, heap back near baseline', async () => {
    await burst('both');
  }, 120_000);
});
