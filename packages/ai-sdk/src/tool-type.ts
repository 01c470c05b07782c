import type { ToolType } from '@metrics/core';

/**
 * Tools made by the AI SDK MCP client (`@ai-sdk/mcp` `createMCPClient().tools()`, also exported as
 * `experimental_createMCPClient`) carry `metadata: { clientName, toolName }` and the server's `_meta`.
 */
export function detectToolType(tool: unknown): ToolType | undefined {
  if (typeof tool !== 'object' || tool === null) return undefined;
  const metadata = (tool as { metadata?: unknown }).metadata;
  if (
    typeof metadata === 'object' &&
    metadata !== null &&
    typeof (metadata as { clientName?: unknown }).clientName === 'string' &&
    typeof (metadata as { toolName?: unknown }).toolName === 'string'
  )
    return 'mcp';
  return undefined;
}

/** Names of the MCP tools of a tool set (no set made for one without: once per run). */
export function mcpToolNames(tools: unknown): Set<string> | undefined {
  if (typeof tools !== 'object' || tools === null) return undefined;
  let names: Set<string> | undefined;
  for (const name of Object.keys(tools)) {
    if (detectToolType((tools as Record<string, unknown>)[name]) !== 'mcp') continue;
    names ??= new Set();
    names.add(name);
  }
  return names;
}
