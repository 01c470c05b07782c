import type { ErrorInfo } from '../errors/classify-error.js';
import type { ProviderType } from '../schema/provider-types.js';
import type { ToolType } from '../schema/resource-metric.js';
import type { Usage } from '../usage/usage.js';

/** One model request/response attempt. A retried request is one record per attempt. */
export interface ModelCallRecord {
  readonly model?: string;
  readonly provider?: string;
  /** 1 for the first attempt of a logical call, 2 for its first retry, ... */
  readonly attempt: number;
  readonly startedAt: number;
  /** When the first content or tool-call delta arrived (streamed calls only). */
  readonly firstTokenAt?: number;
  readonly endedAt: number;
  readonly streamed: boolean;
  readonly usage?: Usage;
  readonly status?: number;
  /** `unfinished` when the invocation ended before this call did. */
  readonly outcome: 'success' | 'error' | 'unfinished';
  readonly error?: ErrorInfo;
}

/** One tool execution, or a tool call that failed before it could run (unknown tool, invalid arguments). */
export interface ToolCallRecord {
  readonly name: string;
  readonly type: ToolType;
  readonly callId?: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly outcome: 'success' | 'failure';
  readonly error?: ErrorInfo;
}

/** A guardrail, content filter or safety check that tripped. */
export interface GuardrailTripRecord {
  readonly name: string;
  readonly kind?: string;
  readonly at: number;
}

export interface ToolCounts {
  calls: number;
  success: number;
  failure: number;
}

/** The error counters of the resourceMetrics payload. */
export interface ErrorCounters {
  invocationServerErrors: number;
  invocationClientErrors: number;
  modelInvocationThrottles: number;
  modelInvocationClientErrors: number;
  modelInvocationServerErrors: number;
  modelInvocationUnknownErrors: number;
}

/** Totals of a run, computed once when it ends (leader plus member runs). */
export interface InvocationSummary {
  /** Summed usage; fields no call reported stay `undefined`. */
  usage: Usage | undefined;
  modelCalls: number;
  /** Wall time covered by at least one model call (union of intervals): tool time is outside. */
  modelLatencyMs: number;
  /** From invocation start to the first token of the first model call that did not fail; 0 when that call was not streamed. */
  ttftMs: number;
  tools: { api: ToolCounts; mcp: ToolCounts };
  errors: ErrorCounters;
  guardrailHits: number;
  /** Model id → number of model calls that used it. */
  models: Record<string, number>;
}

export type MemberKind = 'subagent' | 'handoff' | 'team-member' | 'tool-agent' | 'subgraph';

/** One finished invocation (or member run), immutable. */
export interface InvocationRecord {
  /** A fresh UUID v4; the resourceMetrics `sessionId`. */
  readonly runId: string;
  readonly parentRunId?: string;
  readonly memberKind?: MemberKind;
  readonly name?: string;
  readonly providerType: ProviderType;
  /** The conversation this run belongs to, when the user supplied one (not sent to resourceMetrics). */
  readonly sessionId?: string;
  /** The model configured for the run, used when no model call reported one. */
  readonly model?: string;
  readonly startedAt: number;
  readonly endedAt: number;
  readonly durationMs: number;
  readonly outcome: 'success' | 'error';
  readonly error?: ErrorInfo;
  readonly modelCalls: readonly ModelCallRecord[];
  readonly toolCalls: readonly ToolCallRecord[];
  readonly guardrailTrips: readonly GuardrailTripRecord[];
  /** Errors recorded outside model calls (tool or host failures, the run's own error). */
  readonly errors: readonly ErrorInfo[];
  readonly members: readonly InvocationRecord[];
  readonly metadata?: Readonly<Record<string, string>>;
  /** Leader plus members. */
  readonly summary: InvocationSummary;
}
