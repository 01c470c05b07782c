import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('mastra');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expectOneExampleRecord(harness, {
    record: {
      providerType: 'MASTRA',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 3,
      inputTokenCount: 450 + 640 + 760,
      outputTokenCount: 40 + 33 + 66,
      tools: [
        { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 25,
    usageEvent: {
      session_id: 'mastra-example',
      input_tokens: 1850,
      output_tokens: 139,
      total_tokens: 1989,
      cache_read_input_tokens: 896,
      reasoning_tokens: 20,
    },
  });
});
