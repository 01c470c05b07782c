import type { ResourceMetric, ToolMetric } from '@metrics/core';
import type { RunRow } from './run-row.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

function tool(tools: ToolMetric[] | undefined, type: 'api' | 'mcp'): ToolMetric | undefined {
  return Array.isArray(tools) ? tools.find((t) => t?.toolType === type) : undefined;
}

/**
 * The row of one record the collector stored. A resourceMetrics record has no conversation id
 * (its `sessionId` is a run id), no cache or reasoning tokens and no per-call detail.
 */
export function fromResourceMetric(record: ResourceMetric, rowId: number): RunRow {
  const api = tool(record.tools, 'api');
  const mcp = tool(record.tools, 'mcp');
  const input = count(record.inputTokenCount);
  const output = count(record.outputTokenCount);
  const invocationErrors = count(record.invocationClientErrors) + count(record.invocationServerErrors);
  return {
    runId: record.sessionId,
    sessionId: null,
    name: null,
    providerType: record.providerType,
    model: record.extModelId ?? null,
    startedAt: record.time,
    durationMs: count(record.totalTime),
    outcome: invocationErrors > 0 ? 'error' : 'success',
    errorCategory: null,
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    modelCalls: count(record.modelInvocationCount),
    modelLatencyMs: count(record.modelLatency),
    ttftMs: count(record.ttft),
    apiToolCalls: count(api?.toolCalls),
    apiToolFailures: count(api?.failureCount),
    mcpToolCalls: count(mcp?.toolCalls),
    mcpToolFailures: count(mcp?.failureCount),
    throttles: count(record.modelInvocationThrottles),
    modelClientErrors: count(record.modelInvocationClientErrors),
    modelServerErrors: count(record.modelInvocationServerErrors),
    modelUnknownErrors: count(record.modelInvocationUnknownErrors),
    invocationClientErrors: count(record.invocationClientErrors),
    invocationServerErrors: count(record.invocationServerErrors),
    guardrailHits: count(record.guardrailHits),
    memberRuns: 0,
    llmCallEvents: 0,
    offset: rowId,
    length: -1,
  };
}
