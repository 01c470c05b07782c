// Tracing switched on (vitest sets NODE_ENV=test, which turns the SDK's tracing off by default):
// the adapter reads the same function spans, and leaves the user's trace processors alone.
import { InMemoryExporter } from '@metrics/core/testing';
import {
  Agent,
  Runner,
  type Span,
  setTraceProcessors,
  setTracingDisabled,
  type Trace,
  type TracingProcessor,
  tool,
  Usage,
} from '@openai/agents';
import { assistantMessage, functionCall, ScriptedModel } from '@openai/agents/testing';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { instrumentRunner } from './index.js';

const spans: string[] = [];
const userProcessor: TracingProcessor = {
  async onTraceStart(_trace: Trace) {},
  async onTraceEnd(_trace: Trace) {},
  async onSpanStart(_span: Span<any>) {},
  async onSpanEnd(span: Span<any>) {
    spans.push(span.spanData.type);
  },
  async shutdown() {},
  async forceFlush() {},
};

beforeAll(() => {
  // the user's choice in this test: only their processor (so nothing is exported to OpenAI)
  setTraceProcessors([userProcessor]);
  setTracingDisabled(false);
});
afterAll(() => {
  setTracingDisabled(true);
  setTraceProcessors([]);
});

it('with tracing on, reads tool failures from the function span and keeps the user’s processor', async () => {
  const memory = new InMemoryExporter();
  const runner = new Runner();
  instrumentRunner(runner, { exporters: [memory], logger: false });
  const flaky = tool({
    name: 'flaky',
    description: 'fails with a custom message',
    parameters: z.object({}),
    execute: async () => {
      throw new Error('nope');
    },
    errorFunction: () => 'the flaky service is down',
  });
  const model = new ScriptedModel([
    {
      output: [functionCall('flaky', {}, { callId: 'f1' })],
      usage: new Usage({ requests: 1, inputTokens: 4, outputTokens: 1, totalTokens: 5 }),
    },
    {
      output: [assistantMessage('sorry')],
      usage: new Usage({ requests: 1, inputTokens: 6, outputTokens: 1, totalTokens: 7 }),
    },
  ]);
  const agent = new Agent({ name: 'traced', instructions: 'x', model, tools: [flaky] });
  expect((await runner.run(agent, 'hi')).finalOutput).toBe('sorry');
  expect(memory.records[0]!.toolCalls).toMatchObject([{ name: 'flaky', outcome: 'failure', type: 'api' }]);
  expect(memory.records[0]!.summary).toMatchObject({
    modelCalls: 2,
    usage: { inputTokens: 10, outputTokens: 2 },
  });
  await new Promise((resolve) => setTimeout(resolve, 10));
  expect(spans).toContain('function');
  expect(spans).toContain('agent');
});
