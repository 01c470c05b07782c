export { PROVIDER_TYPES, isProviderType } from './schema/provider-types.js';
export type { ProviderType } from './schema/provider-types.js';
export {
  COUNT_FIELDS,
  DURATION_FIELDS,
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES,
  OPERATION_INVOKE_AGENT,
  PROMPT_TYPES,
  SCHEMA_VERSION,
  TOOL_TYPES,
} from './schema/resource-metric.js';
export type {
  PromptType,
  ResourceMetric,
  ResourceMetricsPayload,
  ToolMetric,
  ToolType,
} from './schema/resource-metric.js';
export { validateResourceMetric, validateResourceMetricsPayload } from './schema/validate-resource-metric.js';
export type { ValidationIssue, ValidationResult, ValidationRule } from './schema/validate-resource-metric.js';
export { resourceMetricsJsonSchema } from './schema/json-schema.js';

export { MAX_TOKEN_COUNT, USAGE_COUNT_FIELDS, createUsage } from './usage/usage.js';
export { addUsage } from './usage/usage-total.js';
export type { Usage, UsageCountField, UsageFields } from './usage/usage.js';
export { fromOpenAIChatUsage, fromOpenAIResponsesUsage } from './usage/from-openai.js';
export { fromAnthropicUsage } from './usage/from-anthropic.js';
export { fromGeminiUsage } from './usage/from-gemini.js';
export { fromBedrockConverseUsage } from './usage/from-bedrock.js';
export { fromStrandsUsage } from './usage/from-strands.js';
export type { StrandsUsageOptions } from './usage/from-strands.js';
export { fromLangChainUsageMetadata } from './usage/from-langchain.js';
export { fromAiSdkProviderUsage, fromAiSdkUsage } from './usage/from-ai-sdk.js';
export { fromOpenAIAgentsUsage } from './usage/from-openai-agents.js';
export { fromMastraSpanUsage, fromMastraUsage } from './usage/from-mastra.js';
export { fromLlamaIndexRaw, fromProviderUsage } from './usage/detect-usage.js';
export { readField } from './usage/read-fields.js';

export { MetricsError, ValidationError, ConfigurationError } from './errors/metrics-error.js';
export { ToolResultError } from './errors/tool-result-error.js';
export { classifyError, classifyHttpStatus, maskSecrets } from './errors/classify-error.js';
export type { ErrorCategory, ErrorInfo } from './errors/classify-error.js';

export { Diagnostics, guard } from './diagnostics.js';
export type {
  DiagnosticEvent,
  DiagnosticLevel,
  DiagnosticListener,
  DiagnosticsOptions,
} from './diagnostics.js';
export { now, toEpochMs } from './clock.js';

export { InvocationRecorder, ModelCall, ToolCall } from './recorder/invocation-recorder.js';
export type {
  InvocationOptions,
  ModelCallEnd,
  ModelCallStart,
  RecordedModelCall,
  RecorderHooks,
  ToolCallStart,
} from './recorder/invocation-recorder.js';
export type {
  ErrorCounters,
  GuardrailTripRecord,
  InvocationRecord,
  InvocationSummary,
  MemberKind,
  ModelCallRecord,
  ToolCallRecord,
  ToolCounts,
} from './recorder/record.js';
export { primaryModel } from './recorder/summarize.js';
export { resolveToolType } from './recorder/tool-type.js';
export type { ToolTypeOverride } from './recorder/tool-type.js';

export { toResourceMetric } from './payload/to-resource-metric.js';
export type { ResourceMetricConfig } from './payload/to-resource-metric.js';

export { getCurrentInvocation, runWithInvocation } from './context.js';
export { HTTP_ATTEMPTS_OBSERVABLE } from './attempts/http-attempt-observer.js';
export type { InvocationExporter } from './exporter.js';
export { Metrics, createMetrics } from './metrics.js';
export type { MetricsOptions } from './metrics.js';

export { SessionAggregator, emptyTotals } from './sessions/session-aggregator.js';
export type {
  MetricsTotals,
  RunMetrics,
  SessionAggregatorOptions,
  SessionMetrics,
} from './sessions/session-aggregator.js';

export {
  DELIVERY_EVENT_TYPES,
  DROP_REASONS,
  ResourceMetricsExporter,
  createResourceMetricsExporter,
} from './exporters/resource-metrics-exporter.js';
export type { DeliveryStats, DropReason } from './exporters/resource-metrics-exporter.js';
export {
  HTTP_EXPORTER_DEFAULTS,
  HTTP_EXPORTER_ENV,
  resolveResourceMetricsExporterOptions,
} from './exporters/http-config.js';
export type {
  DropPolicy,
  ResolvedResourceMetricsExporterOptions,
  ResourceMetricsExporterOptions,
} from './exporters/http-config.js';
export { ConsoleExporter } from './exporters/console-exporter.js';
export type { ConsoleExporterOptions } from './exporters/console-exporter.js';
export { FanOutExporter, fanOut } from './exporters/fan-out.js';
export type { FanOutOptions } from './exporters/fan-out.js';
export { withFlush } from './exporters/serverless.js';
export type { WithFlushOptions } from './exporters/serverless.js';
export { DEFAULT_FLUSH_TIMEOUT_MS } from './exporters/deadline.js';
export { toJsonlEvents } from './exporters/jsonl-events.js';
export type {
  InvocationEvent,
  JsonlEvent,
  JsonlTokenFields,
  LlmCallEvent,
  LlmUsageEvent,
} from './exporters/jsonl-events.js';
