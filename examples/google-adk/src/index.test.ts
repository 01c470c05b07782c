import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('google-adk');
afterAll(() => harness.close());

it('records exactly what the script fed the agents, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer.trim()).toBe((script.at(-1) as { text: string }).text);
  const { events } = expectOneExampleRecord(harness, {
    record: {
      providerType: 'GOOGLE_AGENT_DEVELOPMENT_KIT',
      extModelId: 'gemini-2.5-flash',
      modelInvocationCount: 6, // a 429, then four answers of the order agent and one of the researcher
      inputTokenCount: 310 + 400 + 520 + 90 + 700,
      outputTokenCount: 20 + 18 + 22 + 12 + 60,
      modelInvocationThrottles: 1,
      tools: [
        { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 30,
    usageEvent: {
      input_tokens: 2020,
      output_tokens: 132,
      total_tokens: 2152,
      cache_read_input_tokens: 384,
    },
  });
  const invocation = events.find((e) => e.type === 'invocation').record;
  expect(invocation.name).toBe('orders');
  expect(
    invocation.members.map((m: { name: string; memberKind: string; modelCalls: unknown[] }) => [
      m.name,
      m.memberKind,
      m.modelCalls.length,
    ]),
  ).toEqual([['researcher', 'tool-agent', 1]]);
});
