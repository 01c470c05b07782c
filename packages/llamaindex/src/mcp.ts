/** Tools known to be served over MCP (marked by `markMcp` or built by `mcpTools`). */
const markedTools = new WeakSet<object>();
const mcpToolNames = new Set<string>();
const MAX_NAMES = 10_000;

interface ToolLike {
  metadata: { name: string; description?: string; parameters?: unknown };
  call?: (input: never) => unknown;
}

/**
 * Marks LlamaIndex tools as MCP tools, so their calls count as `mcp` in the record: e.g. the tools
 * of `@llamaindex/tools`' `mcp({...}).tools()`. Returns the same array.
 */
export function markMcp<T extends readonly object[]>(tools: T): T {
  for (const tool of tools) {
    markedTools.add(tool);
    const name = (tool as Partial<ToolLike>).metadata?.name;
    if (typeof name === 'string' && mcpToolNames.size < MAX_NAMES) mcpToolNames.add(name);
  }
  return tools;
}

/** Whether a tool (object or, failing that, name) was marked as MCP. */
export function isMcpTool(tool: object | undefined, name: string): boolean {
  if (tool !== undefined && markedTools.has(tool)) return true;
  return mcpToolNames.has(name);
}

/** The part of `@modelcontextprotocol/sdk`'s `Client` that `mcpTools` uses. */
export interface McpClientLike {
  listTools(): Promise<{
    tools: Array<{ name: string; description?: string; inputSchema: unknown }>;
  }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }): Promise<unknown>;
}

/** A JSON value, as LlamaIndex tools return. */
export type JsonValue = string | number | boolean | JsonValue[] | { [key: string]: JsonValue };

/** A LlamaIndex tool (`BaseToolWithCall`) backed by an MCP server. */
export interface McpTool {
  metadata: { name: string; description: string; parameters: Record<string, unknown> };
  call(input: Record<string, unknown>): Promise<JsonValue>;
}

function errorText(result: unknown): string {
  const content = (result as { content?: unknown }).content;
  if (Array.isArray(content)) {
    const text = content
      .map((part) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
      .filter(Boolean)
      .join('\n');
    if (text) return text;
  }
  return 'the MCP tool reported an error';
}

/**
 * Lists the tools of a connected MCP client (`@modelcontextprotocol/sdk` `Client`) as LlamaIndex
 * tools, marked `mcp`. An MCP result with `isError: true` is thrown, so LlamaIndex (and the record)
 * see the call as failed.
 */
export async function mcpTools(client: McpClientLike, options: { prefix?: string } = {}): Promise<McpTool[]> {
  const { tools } = await client.listTools();
  return markMcp(
    tools.map(
      (tool): McpTool => ({
        metadata: {
          name: options.prefix ? `${options.prefix}_${tool.name}` : tool.name,
          description: tool.description ?? '',
          parameters: (tool.inputSchema ?? { type: 'object', properties: {} }) as Record<string, unknown>,
        },
        async call(input) {
          const result = await client.callTool({ name: tool.name, arguments: input ?? {} });
          if (result && typeof result === 'object' && (result as { isError?: unknown }).isError === true) {
            throw new Error(errorText(result));
          }
          return result as JsonValue;
        },
      }),
    ),
  );
}
