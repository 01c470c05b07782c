import { primaryModel } from '../recorder/summarize.js';
import type { InvocationRecord } from '../recorder/record.js';
import { ValidationError } from '../errors/metrics-error.js';
import type { ProviderType } from '../schema/provider-types.js';
import {
  OPERATION_INVOKE_AGENT,
  type PromptType,
  type ResourceMetric,
  SCHEMA_VERSION,
  type ToolMetric,
} from '../schema/resource-metric.js';
import { collectResourceMetricIssues } from '../schema/validate-resource-metric.js';

export interface ResourceMetricConfig {
  /** `extAccountAliasId`: the account UUID given at onboarding. */
  accountId: string;
  /** Overrides the record's provider type (which the adapter set). */
  providerType?: ProviderType;
  /** Default `CHAT`. */
  promptType?: PromptType;
}

/** Milliseconds rounded to the microsecond: exact enough, and no float noise in the payload. */
function ms(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function toolMetric(
  toolType: 'api' | 'mcp',
  counts: { calls: number; success: number; failure: number },
): ToolMetric {
  return { toolType, toolCalls: counts.calls, successCount: counts.success, failureCount: counts.failure };
}

/**
 * Maps a finished invocation to the resourceMetrics record, and validates it (throws
 * `ValidationError` naming each broken field). Token counts not reported are sent as 0.
 * `extModelId` is the model that served most model calls of the run (members included; ties go
 * to the one recorded first), else the run's configured model, else omitted.
 */
export function toResourceMetric(record: InvocationRecord, config: ResourceMetricConfig): ResourceMetric {
  const { summary } = record;
  const metric: ResourceMetric = {
    extAccountAliasId: config.accountId,
    providerType: config.providerType ?? record.providerType,
    operation: OPERATION_INVOKE_AGENT,
    sessionId: record.runId,
    schemaVersion: SCHEMA_VERSION,
    time: Math.floor(record.startedAt),
  };
  const model = primaryModel(record);
  if (model) metric.extModelId = model;
  metric.promptType = config.promptType ?? 'CHAT';
  metric.totalTime = ms(record.durationMs);
  metric.ttft = ms(summary.ttftMs);
  metric.modelLatency = ms(Math.min(summary.modelLatencyMs, record.durationMs));
  metric.modelInvocationCount = summary.modelCalls;
  metric.inputTokenCount = summary.usage?.inputTokens ?? 0;
  metric.outputTokenCount = summary.usage?.outputTokens ?? 0;
  metric.invocationServerErrors = summary.errors.invocationServerErrors;
  metric.invocationClientErrors = summary.errors.invocationClientErrors;
  metric.modelInvocationThrottles = summary.errors.modelInvocationThrottles;
  metric.modelInvocationClientErrors = summary.errors.modelInvocationClientErrors;
  metric.modelInvocationServerErrors = summary.errors.modelInvocationServerErrors;
  metric.modelInvocationUnknownErrors = summary.errors.modelInvocationUnknownErrors;
  metric.guardrailHits = summary.guardrailHits;
  const tools: ToolMetric[] = [];
  if (summary.tools.api.calls > 0) tools.push(toolMetric('api', summary.tools.api));
  if (summary.tools.mcp.calls > 0) tools.push(toolMetric('mcp', summary.tools.mcp));
  if (tools.length > 0) metric.tools = tools;
  const issues = collectResourceMetricIssues(metric);
  if (issues.length > 0) throw new ValidationError({ issues });
  return metric;
}
