import { startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('langgraph');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expect(harness.collector.records).toHaveLength(1);
  const [record] = harness.collector.records;
  expect(record).toMatchObject({
    providerType: 'LANGGRAPH',
    extModelId: 'gpt-4o-mini',
    modelInvocationCount: 3,
    inputTokenCount: 310 + 480 + 575,
    outputTokenCount: 36 + 22 + 58,
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 0,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
    guardrailHits: 0,
    tools: [
      { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ],
  });
  expect(record!.ttft).toBeGreaterThanOrEqual(25);
  expect(record!.modelLatency).toBeLessThanOrEqual(record!.totalTime!);
  const events = harness.events();
  expect(events.find((e) => e.type === 'llm_usage')).toMatchObject({
    session_id: 'langgraph-example',
    input_tokens: 1365,
    output_tokens: 116,
    total_tokens: 1481,
    cache_read_input_tokens: 640,
    reasoning_tokens: 12,
  });
});
