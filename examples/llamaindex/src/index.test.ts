import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('llamaindex');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script.at(-1) as { text: string }).text);
  expectOneExampleRecord(harness, {
    record: {
      providerType: 'LLAMAINDEX',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 4, // a 429 retried by the openai client, then three answers
      inputTokenCount: 350 + 560 + 720,
      outputTokenCount: 46 + 22 + 58,
      modelInvocationThrottles: 1,
      tools: [
        { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 30,
    usageEvent: {
      session_id: 'llamaindex-example',
      input_tokens: 1630,
      output_tokens: 126,
      total_tokens: 1756,
      cache_read_input_tokens: 768,
      reasoning_tokens: 12,
    },
  });
});
