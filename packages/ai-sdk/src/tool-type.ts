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

/** Names of the MCP tools of a tool set. */
export function mcpToolNames(tools: unknown): Set<string> | undefined {
  if (typeof tools !== 'object' || tools === null) return undefined;
  const names = new Set<string>();
  for (const [name, tool] of Object.entries(tools)) if (detectToolType(tool) === 'mcp') names.add(name);
  return names.size > 0 ? names : undefined;
}
