export { MetricsPlugin } from './metrics-plugin.js';
export { ToolResultError } from './tool-result-error.js';
export type { AdkAdapterOptions, AdkMetricsInput } from './options.js';
