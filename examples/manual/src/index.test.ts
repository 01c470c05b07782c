import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('manual');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expectOneExampleRecord(harness, {
    record: {
      providerType: 'CUSTOM_PROVIDER',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 3,
      inputTokenCount: 420 + 610 + 700,
      outputTokenCount: 38 + 25 + 90,
      tools: [
        { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 30,
    usageEvent: {
      session_id: 'manual-example',
      input_tokens: 1730,
      output_tokens: 153,
      total_tokens: 1883,
      cache_read_input_tokens: 896,
      reasoning_tokens: 32,
    },
  });
});
