import { startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('clients');
afterAll(() => harness.close());

const usage = (i: number) =>
  (script[i] as { usage: { input: number; output: number; cached?: number } }).usage;

it('records each hand-written loop exactly as scripted, delivered to the collector and the JSONL file', async () => {
  const [openai, anthropic] = await main();
  expect(openai).toBe((script[2] as { text: string }).text);
  expect(anthropic).toBe((script[4] as { text: string }).text);
  const records = harness.collector.records as Array<Record<string, any>>;
  expect(records).toHaveLength(2);
  expect(records[0]).toMatchObject({
    extModelId: 'gpt-4o-mini',
    // the 2 calls the loop made, the second retried by the client after a 429
    modelInvocationCount: 3,
    modelInvocationThrottles: 1,
    modelInvocationServerErrors: 0,
    inputTokenCount: usage(0).input + usage(2).input,
    outputTokenCount: usage(0).output + usage(2).output,
    tools: [{ toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 }],
  });
  expect(records[1]).toMatchObject({
    modelInvocationCount: 2,
    modelInvocationThrottles: 0,
    inputTokenCount: usage(3).input + usage(4).input,
    outputTokenCount: usage(3).output + usage(4).output,
    tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
  });
  // streamed with messages.stream(): the first token came after the scripted delay
  expect(records[1]?.ttft).toBeGreaterThanOrEqual(30);
  const usageEvents = harness.events().filter((e) => e.type === 'llm_usage');
  expect(usageEvents.map((e) => e.session_id)).toEqual(['clients-openai', 'clients-anthropic']);
  expect(usageEvents[1]).toMatchObject({ cache_read_input_tokens: 600 + 800 });
});
