import { now } from '@metrics/core';
import { getCurrentSpan } from '@openai/agents';
import type { OpenTool, RunState } from './run-state.js';

/** What a function tool returns to the model, by default, when it threw (`defaultToolErrorFunction`). */
export const DEFAULT_TOOL_ERROR_OUTPUT = 'An error occurred while running the tool. Please try again.';

type SpanLike = { spanData?: { type?: unknown; mcp_data?: unknown }; error?: unknown; setError?: unknown };

function callKey(toolName: string, details: unknown): string {
  const call = (details as { toolCall?: { callId?: unknown; id?: unknown } } | undefined)?.toolCall;
  const id = call?.callId ?? call?.id;
  return typeof id === 'string' ? id : `${toolName}#`;
}

export function callIdOf(details: unknown): string | undefined {
  const id = (details as { toolCall?: { callId?: unknown } } | undefined)?.toolCall?.callId;
  return typeof id === 'string' ? id : undefined;
}

/**
 * The SDK emits `agent_tool_start`/`agent_tool_end` inside the tool's function span, and a tool
 * that throws reports it only there (`setError`), while the hook sees an ordinary string result.
 * With tracing on the span keeps the error; with tracing off (e.g. `NODE_ENV=test`) the span is a
 * no-op whose `setError` drops it, so the adapter listens on that one call's span instance.
 */
function functionSpan(): SpanLike | undefined {
  const span = getCurrentSpan() as SpanLike | null | undefined;
  return span && span.spanData?.type === 'function' ? span : undefined;
}

export function onToolStart(state: RunState, tool: { name?: unknown }, details: unknown): void {
  const name = typeof tool?.name === 'string' ? tool.name : 'tool';
  const span = functionSpan();
  const open: OpenTool = { name, startedAt: now(), span, failed: false };
  if (span && typeof span.setError === 'function') {
    const original = span.setError as (this: unknown, error: unknown) => unknown;
    Object.defineProperty(span, 'setError', {
      configurable: true,
      writable: true,
      value(this: unknown, error: unknown) {
        open.failed = true;
        return original.call(this, error);
      },
    });
  }
  state.tools.set(callKey(name, details), open);
}

function isMcpTool(agent: unknown, tool: unknown, span: SpanLike | undefined): boolean {
  if (span?.spanData?.mcp_data) return true;
  // Without a span: an agent's MCP tools are the function tools not in its own `tools` list.
  const { mcpServers, tools } = (agent ?? {}) as { mcpServers?: unknown; tools?: unknown };
  return (
    Array.isArray(mcpServers) &&
    mcpServers.length > 0 &&
    Array.isArray(tools) &&
    (tool as { type?: unknown })?.type === 'function' &&
    !tools.includes(tool)
  );
}

export function onToolEnd(
  state: RunState,
  agent: unknown,
  tool: { name?: unknown },
  output: unknown,
  details: unknown,
): void {
  const name = typeof tool?.name === 'string' ? tool.name : 'tool';
  const key = callKey(name, details);
  const open = state.tools.get(key);
  state.tools.delete(key);
  const span = open?.span ?? functionSpan();
  const failed =
    open?.failed === true ||
    (span?.error !== undefined && span?.error !== null) ||
    output === DEFAULT_TOOL_ERROR_OUTPUT;
  state.current.recordToolCall({
    name,
    type: isMcpTool(agent, tool, span) ? 'mcp' : 'api',
    callId: callIdOf(details), // `undefined` is read as none
    startedAt: open?.startedAt ?? now(),
    endedAt: now(),
    outcome: failed ? 'failure' : 'success',
  });
}

/** Tools still open when the run ended (it threw while they ran): recorded as failures. */
export function closeOpenTools(state: RunState): void {
  if (state.tools.size === 0) return; // the usual end: no tool open, no clock read
  const at = now();
  for (const open of state.tools.values()) {
    state.current.recordToolCall({
      name: open.name,
      type: open.span?.spanData?.mcp_data ? 'mcp' : 'api',
      startedAt: open.startedAt,
      endedAt: at,
      outcome: 'failure',
    });
  }
  state.tools.clear();
}
