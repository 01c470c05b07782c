export { MetricsCallbackManager, LlamaIndexMetrics, llamaindexMetrics } from './llamaindex-metrics.js';
export type {
  LlamaIndexMetricsOptions,
  MetricsCallbackManagerOptions,
  RunOptions,
  SettingsLike,
} from './options.js';
export { instrumentLLM } from './llm-wrapper.js';
export { isMcpTool, markMcp, mcpTools } from './mcp.js';
export type { JsonValue, McpClientLike, McpTool } from './mcp.js';
export { ToolError } from './tool-calls.js';
