// `@metrics/clients`: what every client's subpath shares. `meter()` is per client:
// `@metrics/clients/openai`, `/anthropic`, `/google`, `/bedrock`.
export { runTool } from './run-tool.js';
export type { RunToolOptions } from './run-tool.js';
export { ToolNotRunError } from './tool-requests.js';
export { unmeter } from './metered-object.js';
export type { MeterInput } from './options.js';
