import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('ai-sdk');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script.at(-1) as { text: string }).text);
  expectOneExampleRecord(harness, {
    record: {
      providerType: 'AISDK',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 4, // a 429 retried by the AI SDK, then three answers
      inputTokenCount: 380 + 520 + 610,
      outputTokenCount: 42 + 30 + 64,
      modelInvocationThrottles: 1,
      tools: [
        { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 25,
    usageEvent: {
      session_id: 'ai-sdk-example',
      input_tokens: 1510,
      output_tokens: 136,
      total_tokens: 1646,
      cache_read_input_tokens: 640,
      reasoning_tokens: 16,
    },
  });
});
