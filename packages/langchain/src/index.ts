export { MetricsCallbackHandler, ToolMessageError } from './handler.js';
export { registerGlobalHandler } from './global.js';
export type { LangChainMetricsOptions } from './options.js';
