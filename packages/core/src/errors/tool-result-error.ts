/**
 * A tool call that failed without throwing: it returned an error result (an MCP tool's
 * `isError: true`, a framework's `status: 'error'`), so the record has an error to classify.
 * It is the tool's failure, not an error of this library (not a `MetricsError`).
 */
export class ToolResultError extends Error {
  override name = 'ToolResultError';
}
