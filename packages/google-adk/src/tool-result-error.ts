/** A tool call that returned an error result instead of throwing (an MCP tool's `isError: true`). */
export class ToolResultError extends Error {
  override name = 'ToolResultError';
}
