import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('langchain');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expectOneExampleRecord(harness, {
    record: {
      providerType: 'LANGCHAIN',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 3,
      inputTokenCount: 380 + 560 + 690,
      outputTokenCount: 42 + 31 + 74,
      tools: [
        { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 25,
    usageEvent: {
      session_id: 'langchain-example',
      input_tokens: 1630,
      output_tokens: 147,
      total_tokens: 1777,
      cache_read_input_tokens: 768,
      reasoning_tokens: 16,
    },
  });
});
