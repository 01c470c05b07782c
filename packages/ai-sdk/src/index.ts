export { aiSdkTelemetry } from './telemetry.js';
export type { AiSdkTelemetry, AiSdkTelemetryOptions } from './telemetry.js';
export { aiSdkMiddleware } from './middleware.js';
export type { AiSdkMiddleware } from './middleware.js';
export type { AutoRunOptions } from './auto-runs.js';
export type { AiSdkMetricsOptions } from './options.js';
export { detectToolType } from './tool-type.js';
