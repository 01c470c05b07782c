export { MetricsTelemetry, createMetricsTelemetry, aiSdkTelemetry } from './telemetry.js';
export type { MetricsTelemetryOptions, AiSdkTelemetry, AiSdkTelemetryOptions } from './telemetry.js';
export { createMetricsMiddleware, aiSdkMiddleware } from './middleware.js';
export type { MetricsMiddleware, MetricsMiddlewareOptions, AiSdkMiddleware } from './middleware.js';
export type { AutoRunOptions } from './auto-runs.js';
export type { AiSdkMetricsOptions } from './options.js';
export type { MetricsInput } from '@metrics/core/adapter';
export { detectToolType } from './tool-type.js';
