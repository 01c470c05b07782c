export { MetricsPlugin } from './metrics-plugin.js';
export { ToolResultError } from '@metrics/core';
export type { StrandsAdapterOptions, StrandsMetricsInput } from './options.js';
