export { instrumentRunner } from './instrument.js';
export type { OpenAIAgentsMetricsOptions, RunnerInstrumentation } from './instrument.js';
export { createMeteredRun } from './metered-run.js';
export type { MeteredRun } from './metered-run.js';
export { meterModel, meterModelProvider } from './metered-model.js';
export { DEFAULT_TOOL_ERROR_OUTPUT } from './tool-events.js';
export { MetricsTracingProcessor } from './tracing-processor.js';
export type { MetricsTracingProcessorOptions } from './tracing-processor.js';
