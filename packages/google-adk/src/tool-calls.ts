import { readField } from '@metrics/core';
import type { OpenRuns } from '@metrics/core/adapter';
import { isMcpTool, mcpErrorText } from './adk-shapes.js';
import { type AdkRun, agentKey } from './adk-run.js';
import { ToolResultError } from './tool-result-error.js';

type Runs = OpenRuns<string, AdkRun>;

interface ToolContextLike {
  readonly invocationId: string;
  readonly agentName: string;
  readonly functionCallId?: string;
  readonly invocationContext: { readonly agent?: unknown };
}

function toolKey(tool: unknown, context: ToolContextLike): string {
  return context.functionCallId ?? `${context.agentName}/${String(readField(tool, 'name'))}`;
}

/** `beforeToolCallback`: the tool call starts (and the model call that asked for it has its answer). */
export function startTool(runs: Runs, tool: unknown, context: ToolContextLike): void {
  const run = runs.get(context.invocationId);
  if (!run) return;
  run.calls.get(agentKey(context))?.toolsRunning();
  const mcp = isMcpTool(tool);
  const call = run.recorderFor(context.invocationContext.agent, context.agentName).startToolCall({
    name: String(readField(tool, 'name') ?? 'tool'),
    ...(context.functionCallId !== undefined ? { callId: context.functionCallId } : {}),
    ...(mcp ? { type: 'mcp' as const } : {}),
  });
  run.tools.set(toolKey(tool, context), { call, mcp, error: undefined });
}

/** `onToolErrorCallback`: the tool threw (the ADK then calls `afterToolCallback` with no result). */
export function toolError(runs: Runs, tool: unknown, context: ToolContextLike, error: unknown): void {
  const open = runs.get(context.invocationId)?.tools.get(toolKey(tool, context));
  if (open) open.error = error;
}

/** `afterToolCallback`: the tool call ends, failed when it threw or returned an error result. */
export function endTool(runs: Runs, tool: unknown, context: ToolContextLike, result: unknown): void {
  const run = runs.get(context.invocationId);
  const key = toolKey(tool, context);
  const open = run?.tools.get(key);
  if (!run || !open) return;
  run.tools.delete(key);
  if (open.error !== undefined) open.call.fail(open.error);
  else if (readField(result, 'isError') === true) open.call.fail(new ToolResultError(mcpErrorText(result)));
  else open.call.end();
}
