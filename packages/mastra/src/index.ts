export { MastraMetricsExporter } from './mastra-exporter.js';
export { withMetrics } from './standalone.js';
export { observeModel, observeModelConfig } from './model-observer.js';
export type { ModelAttempt } from './model-observer.js';
export type { MastraMetricsOptions } from './options.js';
