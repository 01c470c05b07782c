/**
 * A tool call whose result came back with `status: 'error'` and no exception: a tool that returned
 * an error result, an MCP tool that failed (the SDK keeps only its text), an unknown tool.
 */
export class ToolResultError extends Error {
  override name = 'ToolResultError';
}
