import type { ProviderType } from './provider-types.js';

export const SCHEMA_VERSION = '1.0.0' as const;
export const OPERATION_INVOKE_AGENT = 'InvokeAgent' as const;
export const PROMPT_TYPES = ['CHAT', 'COMPLETION', 'Manual'] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];
export const TOOL_TYPES = ['api', 'mcp'] as const;
export type ToolType = (typeof TOOL_TYPES)[number];

/** Most records one request may carry. */
export const MAX_RECORDS_PER_REQUEST = 50;
/** Largest request body, in UTF-8 bytes of the serialized JSON. */
export const MAX_REQUEST_BYTES = 5 * 1024 * 1024;

/** Per-type tool counts of one invocation (`successCount + failureCount = toolCalls`). */
export interface ToolMetric {
  toolType: ToolType;
  toolCalls: number;
  successCount: number;
  failureCount: number;
}

/** One agent invocation as the resourceMetrics endpoint receives it. */
export interface ResourceMetric {
  extAccountAliasId: string;
  providerType: ProviderType;
  operation: string;
  /** A fresh UUID v4 per invocation: a run id, not a conversation id. */
  sessionId: string;
  schemaVersion: typeof SCHEMA_VERSION;
  /** Unix epoch milliseconds at invocation start (13 digits). */
  time: number;
  extModelId?: string;
  promptType?: PromptType;
  totalTime?: number;
  ttft?: number;
  modelLatency?: number;
  modelInvocationCount?: number;
  inputTokenCount?: number;
  outputTokenCount?: number;
  invocationServerErrors?: number;
  invocationClientErrors?: number;
  modelInvocationThrottles?: number;
  modelInvocationClientErrors?: number;
  modelInvocationServerErrors?: number;
  modelInvocationUnknownErrors?: number;
  guardrailHits?: number;
  tools?: ToolMetric[];
}

/** The request body of the ingestion endpoint. */
export interface ResourceMetricsPayload {
  resourceMetrics: ResourceMetric[];
}

/** Optional fields that hold durations in milliseconds (non-negative numbers). */
export const DURATION_FIELDS = ['totalTime', 'ttft', 'modelLatency'] as const;

/** Optional fields that hold counts (non-negative integers). */
export const COUNT_FIELDS = [
  'modelInvocationCount',
  'inputTokenCount',
  'outputTokenCount',
  'invocationServerErrors',
  'invocationClientErrors',
  'modelInvocationThrottles',
  'modelInvocationClientErrors',
  'modelInvocationServerErrors',
  'modelInvocationUnknownErrors',
  'guardrailHits',
] as const;
