import { startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('llamaindex');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script.at(-1) as { text: string }).text);
  expect(harness.collector.records).toHaveLength(1);
  const [record] = harness.collector.records;
  expect(record).toMatchObject({
    providerType: 'LLAMAINDEX',
    extModelId: 'gpt-4o-mini',
    modelInvocationCount: 4, // a 429 retried by the openai client, then three answers
    inputTokenCount: 350 + 560 + 720,
    outputTokenCount: 46 + 22 + 58,
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 1,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
    guardrailHits: 0,
    tools: [
      { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ],
  });
  expect(record!.ttft).toBeGreaterThanOrEqual(30);
  expect(record!.modelLatency).toBeLessThanOrEqual(record!.totalTime!);
  const events = harness.events();
  expect(events.find((e) => e.type === 'llm_usage')).toMatchObject({
    session_id: 'llamaindex-example',
    input_tokens: 1630,
    output_tokens: 126,
    total_tokens: 1756,
    cache_read_input_tokens: 768,
    reasoning_tokens: 12,
  });
});
