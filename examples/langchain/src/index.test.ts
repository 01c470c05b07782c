import { startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('langchain');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expect(harness.collector.records).toHaveLength(1);
  const [record] = harness.collector.records;
  expect(record).toMatchObject({
    providerType: 'LANGCHAIN',
    extModelId: 'gpt-4o-mini',
    modelInvocationCount: 3,
    inputTokenCount: 380 + 560 + 690,
    outputTokenCount: 42 + 31 + 74,
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 0,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
    guardrailHits: 0,
    tools: [
      { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ],
  });
  expect(record!.ttft).toBeGreaterThanOrEqual(25);
  expect(record!.modelLatency).toBeLessThanOrEqual(record!.totalTime!);
  const events = harness.events();
  expect(events.find((e) => e.type === 'llm_usage')).toMatchObject({
    session_id: 'langchain-example',
    input_tokens: 1630,
    output_tokens: 147,
    total_tokens: 1777,
    cache_read_input_tokens: 768,
    reasoning_tokens: 16,
  });
});
