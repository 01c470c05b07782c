export { MetricsPlugin } from './metrics-plugin.js';
export { ToolResultError } from '@metrics/core';
export type { AdkAdapterOptions, AdkMetricsInput } from './options.js';
