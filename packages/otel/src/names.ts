/**
 * Metric names, attribute keys and bucket boundaries of the OpenTelemetry GenAI semantic
 * conventions. The client metrics (`gen_ai.client.*`) are the ones `@opentelemetry/semantic-conventions`
 * 1.45.0 exports from `/incubating`; the agent, tool and cache-token metrics come from the
 * GenAI conventions repository (still in development), so every name can be overridden.
 * Copied here rather than imported: the incubating entry point is not meant as a runtime dependency.
 */
export interface GenAiMetricNames {
  /** Histogram `{token}` with `gen_ai.token.type` `input` | `output`. */
  tokenUsage: string;
  /** Histogram `s`: one model call (request → last chunk or error). */
  operationDuration: string;
  /** Histogram `s`: request → first chunk, streamed model calls only. */
  timeToFirstChunk: string;
  /** Histogram `s`: one agent invocation (top-level or member run). */
  invokeAgentDuration: string;
  /** Histogram `s`: one tool execution. */
  executeToolDuration: string;
  /** Counter `{call}`: tool calls, including those that failed before they could run (not a convention name). */
  toolCalls: string;
  /** Counter `{token}`: input tokens served from a provider cache (a subset of `input`). */
  cacheReadInputTokens: string;
  /** Counter `{token}`: input tokens written to a provider cache (a subset of `input`). */
  cacheCreationInputTokens: string;
}

export const DEFAULT_METRIC_NAMES: Readonly<GenAiMetricNames> = Object.freeze({
  tokenUsage: 'gen_ai.client.token.usage',
  operationDuration: 'gen_ai.client.operation.duration',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  invokeAgentDuration: 'gen_ai.invoke_agent.duration',
  executeToolDuration: 'gen_ai.execute_tool.duration',
  toolCalls: 'agent_metrics.tool.calls',
  cacheReadInputTokens: 'gen_ai.client.inference.usage.cache_read.input_tokens',
  cacheCreationInputTokens: 'gen_ai.client.inference.usage.cache_write.input_tokens',
});

export const ATTR = Object.freeze({
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  tokenType: 'gen_ai.token.type',
  tokenModality: 'gen_ai.token.modality',
  agentName: 'gen_ai.agent.name',
  toolName: 'gen_ai.tool.name',
  toolType: 'gen_ai.tool.type',
  errorType: 'error.type',
});

export const OPERATION = Object.freeze({
  chat: 'chat',
  invokeAgent: 'invoke_agent',
  executeTool: 'execute_tool',
});

/** The value the conventions use for "something outside the known, bounded set". */
export const OTHER = '_OTHER';

/** Advised boundaries of `gen_ai.client.token.usage`. */
export const TOKEN_BUCKETS: readonly number[] = Object.freeze([
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
]);

/** Advised boundaries of `gen_ai.client.operation.duration`, time to first chunk and tool duration (seconds). */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
]);

/** Advised boundaries of `gen_ai.invoke_agent.duration` (seconds). */
export const AGENT_DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6,
]);
