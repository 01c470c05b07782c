import { type InvocationRecord, InvocationRecorder, createUsage } from '@metrics/core';
import { JsonlExporter } from '@metrics/core/node';

/** 2025-01-15T10:00:00Z: every time below is an offset from it. */
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

/** Run ids are UUID v4 (the resourceMetrics `sessionId`). */
export const RUN = {
  graph: '11111111-1111-4111-8111-111111111111',
  researcher: '22222222-2222-4222-8222-222222222222',
  agents: '33333333-3333-4333-8333-333333333333',
  failed: '44444444-4444-4444-8444-444444444444',
} as const;

function httpError(status: number, name: string): Error {
  return Object.assign(new Error(`HTTP ${status}`), { status, name });
}

/** LangGraph run in conv-1: a streamed call, a tool, a sub-agent with reasoning tokens. */
function graphRun(): InvocationRecord {
  const run = new InvocationRecorder({
    providerType: 'LANGGRAPH',
    sessionId: 'conv-1',
    model: 'claude-sonnet-4-6',
    startedAt: T0,
    runId: RUN.graph,
  });
  const call = run.startModelCall({ model: 'claude-sonnet-4-6', streamed: true, startedAt: T0 });
  call.firstToken(T0 + 150);
  call.end(
    {
      usage: createUsage({
        inputTokens: 1200,
        outputTokens: 300,
        cacheReadTokens: 890,
        cacheWriteTokens: 220,
      }),
    },
    T0 + 800,
  );
  run.startToolCall({ name: 'search', type: 'api', startedAt: T0 + 800 }).end(T0 + 1000);
  const member = run.startMemberRun({
    kind: 'subagent',
    name: 'researcher',
    startedAt: T0 + 1000,
    runId: RUN.researcher,
  });
  member
    .startModelCall({ model: 'claude-sonnet-4-6', startedAt: T0 + 1000 })
    .end({ usage: createUsage({ inputTokens: 100, outputTokens: 40, reasoningTokens: 15 }) }, T0 + 1500);
  member.end({ endedAt: T0 + 1600 });
  return run.end({ endedAt: T0 + 2000 })!;
}

/** OpenAI Agents run in conv-1: a throttled attempt, its retry, a failing MCP tool. */
function agentsRun(): InvocationRecord {
  const start = T0 + 60_000;
  const run = new InvocationRecorder({
    providerType: 'OPENAI_AGENTS_SDK',
    sessionId: 'conv-1',
    model: 'gpt-4o',
    startedAt: start,
    runId: RUN.agents,
  });
  run
    .startModelCall({ model: 'gpt-4o', attempt: 1, startedAt: start })
    .fail(httpError(429, 'RateLimitError'), {}, start + 200);
  run
    .startModelCall({ model: 'gpt-4o', attempt: 2, startedAt: start + 700 })
    .end({ usage: createUsage({ inputTokens: 500, outputTokens: 50 }) }, start + 1200);
  run
    .startToolCall({ name: 'fs.read', type: 'mcp', startedAt: start + 1200 })
    .fail(new Error('no such file'), start + 1300);
  return run.end({ endedAt: start + 1500 })!;
}

/** AI SDK run without a session whose only call failed with a 500. */
function failedRun(): InvocationRecord {
  const start = T0 + 120_000;
  const run = new InvocationRecorder({
    providerType: 'AISDK',
    model: 'gpt-4o-mini',
    startedAt: start,
    runId: RUN.failed,
  });
  const error = httpError(500, 'InternalServerError');
  run.startModelCall({ model: 'gpt-4o-mini', startedAt: start }).fail(error, {}, start + 400);
  return run.end({ endedAt: start + 500, error })!;
}

/** Three demo-shaped runs: two frameworks in one session, a throttle, a failed tool, a failed run. */
export function demoRecords(): InvocationRecord[] {
  return [graphRun(), agentsRun(), failedRun()];
}

/** Writes records the way the demo does: `JsonlExporter` with one `llm_call` per model call. */
export async function writeEvents(path: string, records: InvocationRecord[]): Promise<void> {
  const exporter = new JsonlExporter({ path, modelCalls: true, logger: false });
  for (const record of records) exporter.export(record);
  await exporter.shutdown();
}
