/** Tool calls and tool results as they appear in AI SDK provider-level prompts and responses. */

export interface ToolCallRef {
  id: string;
  name: string;
}

export interface ToolResultRef {
  id: string;
  name: string;
  failed: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Client-side tool calls of a response's content (provider-executed calls are not the agent's tools). */
export function toolCallsOf(content: unknown): ToolCallRef[] {
  const calls: ToolCallRef[] = [];
  if (!Array.isArray(content)) return calls;
  for (const part of content) {
    const call = toolCallOf(part);
    if (call) calls.push(call);
  }
  return calls;
}

export function toolCallOf(part: unknown): ToolCallRef | undefined {
  if (!isRecord(part) || part.type !== 'tool-call' || part.providerExecuted === true) return undefined;
  const { toolCallId, toolName } = part;
  return typeof toolCallId === 'string' && typeof toolName === 'string'
    ? { id: toolCallId, name: toolName }
    : undefined;
}

/**
 * The tool results of the last `tool` message of a prompt (what the previous step's tools
 * returned): an `error-text`/`error-json` output is a failed call (a throwing tool, an unknown
 * tool, invalid input), anything else a success.
 */
export function lastToolResults(prompt: unknown): ToolResultRef[] {
  const results: ToolResultRef[] = [];
  if (!Array.isArray(prompt)) return results;
  for (let i = prompt.length - 1; i >= 0; i--) {
    const message: unknown = prompt[i];
    if (!isRecord(message)) continue;
    if (message.role === 'tool' && Array.isArray(message.content)) {
      for (const part of message.content) {
        if (!isRecord(part) || part.type !== 'tool-result') continue;
        const { toolCallId, toolName, output } = part;
        if (typeof toolCallId !== 'string') continue;
        const kind = isRecord(output) ? output.type : undefined;
        const failed = kind === 'error-text' || kind === 'error-json';
        results.push({ id: toolCallId, name: typeof toolName === 'string' ? toolName : 'unknown', failed });
      }
      return results;
    }
    if (message.role !== 'assistant') return results;
  }
  return results;
}
