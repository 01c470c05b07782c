export { MetricsExporter, MastraMetricsExporter } from './mastra-exporter.js';
export { instrumentAgent, withMetrics } from './standalone.js';
export type { AgentInstrumentation } from './standalone.js';
export { observeModel, observeModelConfig } from './model-observer.js';
export type { ModelAttempt } from './model-observer.js';
export type { MetricsExporterOptions, MastraMetricsOptions } from './options.js';
export type { MetricsInput } from '@metrics/core/adapter';
