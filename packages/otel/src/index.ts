export { OpenTelemetryExporter, createOpenTelemetryExporter } from './otel-exporter.js';
export type { OtelExporterOptions } from './otel-exporter.js';
export {
  AGENT_DURATION_BUCKETS,
  DEFAULT_METRIC_NAMES,
  DURATION_BUCKETS,
  TOKEN_BUCKETS,
} from './names.js';
export type { GenAiMetricNames } from './names.js';
export { PROVIDER_NAMES, toErrorType, toProviderName } from './attributes.js';
export type { ToolNamePolicy } from './attributes.js';
