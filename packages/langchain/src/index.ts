export { MetricsCallbackHandler, ToolMessageError } from './handler.js';
export { HttpAttemptError } from './attempt-fetch.js';
export type { LangChainMetricsOptions } from './options.js';
