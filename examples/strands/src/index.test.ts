import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('strands');
afterAll(() => harness.close());

it('records exactly what the script fed the agents, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer.trim()).toBe((script.at(-1) as { text: string }).text);
  const { events } = expectOneExampleRecord(harness, {
    record: {
      providerType: 'STRANDS_AGENTS',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 7, // a 429, then five answers of the order agent and one of the researcher
      inputTokenCount: 310 + 350 + 400 + 520 + 90 + 700,
      outputTokenCount: 20 + 20 + 18 + 22 + 12 + 60,
      modelInvocationThrottles: 1,
      tools: [
        { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 30,
    usageEvent: {
      input_tokens: 2370,
      output_tokens: 152,
      total_tokens: 2522,
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
