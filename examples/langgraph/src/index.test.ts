import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('langgraph');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script[2] as { text: string }).text);
  expectOneExampleRecord(harness, {
    record: {
      providerType: 'LANGGRAPH',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 3,
      inputTokenCount: 310 + 480 + 575,
      outputTokenCount: 36 + 22 + 58,
      tools: [
        { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 25,
    usageEvent: {
      session_id: 'langgraph-example',
      input_tokens: 1365,
      output_tokens: 116,
      total_tokens: 1481,
      cache_read_input_tokens: 640,
      reasoning_tokens: 12,
    },
  });
});
