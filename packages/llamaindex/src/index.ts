export { LlamaIndexMetrics, llamaindexMetrics } from './llamaindex-metrics.js';
export type { LlamaIndexMetricsOptions, RunOptions, SettingsLike } from './llamaindex-metrics.js';
export { instrumentLLM } from './llm-wrapper.js';
export { isMcpTool, markMcp, mcpTools } from './mcp.js';
export type { JsonValue, McpClientLike, McpTool } from './mcp.js';
export { ToolError } from './run-state.js';
