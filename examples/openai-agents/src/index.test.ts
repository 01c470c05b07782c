import { expectOneExampleRecord, startExampleHarness } from '@metrics-example/shared/testing';
import { afterAll, expect, it } from 'vitest';
import { main, script } from './index.js';

const harness = await startExampleHarness('openai-agents');
afterAll(() => harness.close());

it('records exactly what the script fed the agent, delivered to the collector and the JSONL file', async () => {
  const answer = await main();
  expect(answer).toBe((script.at(-1) as { text: string }).text);
  const { events } = expectOneExampleRecord(harness, {
    record: {
      providerType: 'OPENAI_AGENTS_SDK',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 4, // a 429, then three answers
      inputTokenCount: 310 + 450 + 690,
      outputTokenCount: 12 + 48 + 70,
      modelInvocationThrottles: 1,
      tools: [
        { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    },
    minTtftMs: 30,
    usageEvent: {
      session_id: 'openai-agents-example',
      input_tokens: 1450,
      output_tokens: 130,
      total_tokens: 1580,
      cache_read_input_tokens: 640,
      reasoning_tokens: 24,
    },
  });
  // the handoff: the shipping agent is a member run of the triage agent's one invocation
  const invocation = events.find((e) => e.type === 'invocation').record;
  expect(invocation.name).toBe('triage');
  expect(
    invocation.modelCalls.map((c: { attempt: number; outcome: string; status?: number }) => [
      c.attempt,
      c.outcome,
      c.status,
    ]),
  ).toEqual([
    [1, 'error', 429],
    [2, 'success', undefined],
  ]);
  expect(
    invocation.members.map(
      (m: { name: string; memberKind: string; modelCalls: unknown[]; toolCalls: unknown[] }) => [
        m.name,
        m.memberKind,
        m.modelCalls.length,
        m.toolCalls.length,
      ],
    ),
  ).toEqual([['shipping', 'handoff', 2, 3]]);
});
