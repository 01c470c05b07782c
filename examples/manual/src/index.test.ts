import { startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('manual');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expect(harness.collector.records).toHaveLength(1);
  const [record] = harness.collector.records;
  expect(record).toMatchObject({
    providerType: 'CUSTOM_PROVIDER',
    extModelId: 'gpt-4o-mini',
    modelInvocationCount: 3,
    inputTokenCount: 420 + 610 + 700,
    outputTokenCount: 38 + 25 + 90,
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
  expect(record!.ttft).toBeGreaterThanOrEqual(30);
  expect(record!.modelLatency).toBeLessThanOrEqual(record!.totalTime!);
  const events = harness.events();
  expect(events.find((e) => e.type === 'llm_usage')).toMatchObject({
    session_id: 'manual-example',
    input_tokens: 1730,
    output_tokens: 153,
    total_tokens: 1883,
    cache_read_input_tokens: 896,
    reasoning_tokens: 32,
  });
});
