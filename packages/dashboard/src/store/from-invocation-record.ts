import { type InvocationRecord, primaryModel } from '@metrics/core';
import type { RunRow } from './run-row.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function memberCount(record: InvocationRecord): number {
  let n = 0;
  for (const member of record.members) n += 1 + memberCount(member);
  return n;
}

/** The row of one `invocation` event's record; `offset`/`length` locate its line in the file. */
export function fromInvocationRecord(record: InvocationRecord, offset: number, length: number): RunRow {
  const s = record.summary;
  const usage = s.usage;
  return {
    runId: record.runId,
    sessionId: record.sessionId ?? null,
    name: record.name ?? null,
    providerType: record.providerType ?? 'UNKNOWN',
    model: primaryModel(record) ?? null,
    startedAt: record.startedAt,
    durationMs: count(record.durationMs ?? record.endedAt - record.startedAt),
    outcome: record.outcome === 'error' ? 'error' : 'success',
    errorCategory: record.error?.category ?? null,
    inputTokens: count(usage?.inputTokens),
    outputTokens: count(usage?.outputTokens),
    totalTokens: count(usage?.totalTokens),
    cacheReadTokens: count(usage?.cacheReadTokens),
    cacheWriteTokens: count(usage?.cacheWriteTokens),
    reasoningTokens: count(usage?.reasoningTokens),
    modelCalls: count(s.modelCalls),
    modelLatencyMs: count(s.modelLatencyMs),
    ttftMs: count(s.ttftMs),
    apiToolCalls: count(s.tools.api?.calls),
    apiToolFailures: count(s.tools.api?.failure),
    mcpToolCalls: count(s.tools.mcp?.calls),
    mcpToolFailures: count(s.tools.mcp?.failure),
    throttles: count(s.errors.modelInvocationThrottles),
    modelClientErrors: count(s.errors.modelInvocationClientErrors),
    modelServerErrors: count(s.errors.modelInvocationServerErrors),
    modelUnknownErrors: count(s.errors.modelInvocationUnknownErrors),
    invocationClientErrors: count(s.errors.invocationClientErrors),
    invocationServerErrors: count(s.errors.invocationServerErrors),
    guardrailHits: count(s.guardrailHits),
    memberRuns: memberCount(record),
    llmCallEvents: 0,
    offset,
    length,
  };
}
