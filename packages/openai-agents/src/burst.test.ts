// 5,000 concurrent run()s in one process per registration path, each 2 model calls and 1 tool:
// every record exact, the heap back near its baseline after GC. The model is the SDK's own
// OpenAIChatCompletionsModel over an in-process client (10,000 loopback HTTP requests per path
// would time the testkit, not the adapter); it opens the SDK's generation spans as over HTTP.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { InvocationRecord } from '@metrics/core';
import {
  Agent,
  OpenAIChatCompletionsModel,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
  tool,
} from '@openai/agents';
import type OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMeteredRun, instrumentRunner, MetricsTracingProcessor } from './index.js';

// 500 in the package's suite (to keep it near a minute on 2 shared cores); the README's figures are from
// BURST_RUNS=5000 BURST_REPORT=1 pnpm exec vitest run src/burst.test.ts
const RUNS = Number(process.env.BURST_RUNS ?? 500);
const MODEL_DELAY_MS = 5;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** Answers `run <i>`: first a tool call, then (after the tool output) the text; usage from i. */
function inProcessClient(): OpenAI {
  const create = async (body: { messages: Array<{ role: string; content?: unknown }> }) => {
    await new Promise((resolve) => setTimeout(resolve, MODEL_DELAY_MS));
    const prompt = String(body.messages.find((m) => m.role === 'user')?.content ?? '');
    const i = Number(prompt.split(' ')[1]);
    const second = body.messages.some((m) => m.role === 'tool');
    const message = second
      ? { role: 'assistant', content: `done ${i}` }
      : {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: `call_${i}`, type: 'function', function: { name: 'lookup', arguments: `{"id":"${i}"}` } },
          ],
        };
    const input = second ? 100 + (i % 50) : 10 + (i % 7);
    const output = second ? 3 : 1;
    return {
      id: `c${i}`,
      object: 'chat.completion',
      created: 0,
      model: 'gpt-burst',
      choices: [{ index: 0, finish_reason: second ? 'stop' : 'tool_calls', message }],
      usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
    };
  };
  return { baseURL: 'in-process', chat: { completions: { create } } } as unknown as OpenAI;
}

const lookup = tool({
  name: 'lookup',
  description: 'Looks up an id',
  parameters: z.object({ id: z.string() }),
  execute: async ({ id }) => `found ${id}`,
});

type RunFn = (agent: Agent<any, any>, input: string) => Promise<{ finalOutput?: unknown }>;

async function burst(run: RunFn, records: InvocationRecord[], waitFor: (n: number) => Promise<unknown>) {
  const model = new OpenAIChatCompletionsModel(inProcessClient(), 'gpt-burst');
  const agent = new Agent({ name: 'burst', instructions: 'x', model, tools: [lookup] });
  const outputs = await Promise.all(Array.from({ length: RUNS }, (_, i) => run(agent, `run ${i}`)));
  expect(outputs.map((o) => o.finalOutput)).toEqual(Array.from({ length: RUNS }, (_, i) => `done ${i}`));
  await waitFor(RUNS);
  expect(records).toHaveLength(RUNS);
  let wrong = 0;
  for (const record of records) {
    const [first, second] = record.modelCalls.map((call) => call.usage?.inputTokens ?? -1);
    const exact =
      record.summary.modelCalls === 2 &&
      record.toolCalls.length === 1 &&
      record.toolCalls[0]!.outcome === 'success' &&
      first! >= 10 &&
      first! < 17 &&
      second! >= 100 &&
      second! < 150 &&
      record.summary.usage?.outputTokens === 4 &&
      record.outcome === 'success';
    if (!exact) wrong++;
  }
  expect(wrong).toBe(0);
  // the totals are the script's exactly: Σ (10 + i%7) + (100 + i%50) over the runs
  let expectedInput = 0;
  for (let i = 0; i < RUNS; i++) expectedInput += 10 + (i % 7) + 100 + (i % 50);
  expect(records.reduce((sum, r) => sum + (r.summary.usage?.inputTokens ?? 0), 0)).toBe(expectedInput);
  expect(records.reduce((sum, r) => sum + (r.summary.usage?.outputTokens ?? 0), 0)).toBe(4 * RUNS);
}

function collector() {
  const records: InvocationRecord[] = [];
  const waiters: Array<() => void> = [];
  const exporter = {
    export(record: InvocationRecord) {
      records.push(record);
      for (const wake of waiters.splice(0)) wake();
    },
  };
  const waitFor = async (n: number) => {
    while (records.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
  };
  return { records, exporter, waitFor };
}

const figures: string[] = [];
afterAll(() => {
  if (process.env.BURST_REPORT) console.log(figures.join('\n'));
});

async function measured(path: string, body: () => Promise<void>): Promise<void> {
  const before = heapMb();
  const started = performance.now();
  await body();
  const seconds = (performance.now() - started) / 1000;
  await new Promise((resolve) => setTimeout(resolve, 50));
  const after = heapMb();
  figures.push(
    `${path}: ${RUNS} runs in ${seconds.toFixed(1)} s; heap ${before.toFixed(0)} → ${after.toFixed(0)} MB`,
  );
  // the records were collected with the collector: what stays is the adapter's
  expect(after - before).toBeLessThan(40);
}

describe(`burst: ${RUNS} concurrent runs, 2 model calls and 1 tool each`, { timeout: 300_000 }, () => {
  it('instrumentRunner', async () => {
    await measured('instrumentRunner', async () => {
      const { records, exporter, waitFor } = collector();
      const runner = new Runner();
      const instrumentation = instrumentRunner(runner, { exporters: [exporter], logger: false });
      await burst((agent, input) => runner.run(agent, input), records, waitFor);
      instrumentation.uninstrument();
      records.length = 0;
    });
  });

  it('createMeteredRun', async () => {
    await measured('createMeteredRun', async () => {
      const { records, exporter, waitFor } = collector();
      const run = createMeteredRun({ exporters: [exporter], logger: false });
      await burst((agent, input) => run(agent, input), records, waitFor);
      run.uninstrument();
      records.length = 0;
    });
  });

  it('MetricsTracingProcessor', async () => {
    await measured('MetricsTracingProcessor', async () => {
      const { records, exporter, waitFor } = collector();
      setTraceProcessors([new MetricsTracingProcessor({ exporters: [exporter], logger: false })]);
      setTracingDisabled(false);
      const runner = new Runner();
      try {
        await burst((agent, input) => runner.run(agent, input), records, waitFor);
      } finally {
        setTracingDisabled(true);
        setTraceProcessors([]);
      }
      records.length = 0;
    });
  });
});
