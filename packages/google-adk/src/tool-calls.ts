import { ToolResultError } from '@metrics/core';
import { type ToolCall, type ToolCallStart, readField } from '@metrics/core';
import type { OpenRuns } from '@metrics/core/adapter';
import { mcpErrorText, toolTraits } from './adk-shapes.js';
import { type AdkRun, agentKey } from './adk-run.js';
import { AgentToolRun } from './agent-tool-run.js';
import { enterAttemptCollector } from './model-calls.js';

type Runs = OpenRuns<string, AdkRun>;

/** A tool call in flight, with the error `onToolErrorCallback` saw for it. */
export interface OpenTool {
  readonly call: ToolCall | undefined;
  /** An `AgentTool`'s call: its child run, recorded (and the call with it) when it ends. */
  readonly child: AgentToolRun | undefined;
  error: unknown;
}

interface ToolContextLike {
  readonly invocationId: string;
  readonly agentName: string;
  readonly functionCallId?: string;
  readonly invocationContext: { readonly agent?: unknown; readonly branch?: string };
}

function toolKey(tool: unknown, context: ToolContextLike): string {
  return context.functionCallId ?? `${context.agentName}/${toolTraits(tool).name}`;
}

/**
 * `beforeToolCallback`: the tool call starts (and the model call that asked for it has its
 * answer). Returns the child run of an `AgentTool`, whose session the caller reads next.
 */
export function startTool(runs: Runs, tool: unknown, context: ToolContextLike): AgentToolRun | undefined {
  const run = runs.get(context.invocationId);
  if (!run) return undefined;
  run.calls.get(agentKey(context))?.toolsRunning();
  const key = toolKey(tool, context);
  const traits = toolTraits(tool);
  if (traits.agentTool) {
    // not a tool scope: the child's model requests are collected as its attempts
    const child = new AgentToolRun(tool, context);
    enterAttemptCollector(child);
    run.tools.set(key, { call: undefined, child, error: undefined });
    return child;
  }
  const start: ToolCallStart = { name: traits.name };
  if (context.functionCallId !== undefined) start.callId = context.functionCallId;
  if (traits.mcp) start.type = 'mcp';
  const call = run.recorderFor(context.invocationContext.agent, context.agentName).startToolCall(start);
  run.tools.set(key, { call, child: undefined, error: undefined });
  return undefined;
}

/** `onToolErrorCallback`: the tool threw (the ADK then calls `afterToolCallback` with no result). */
export function toolError(runs: Runs, tool: unknown, context: ToolContextLike, error: unknown): void {
  const open = runs.get(context.invocationId)?.tools.get(toolKey(tool, context));
  if (open) open.error = error;
}

/**
 * `afterToolCallback`: the tool call ends, failed when it threw or returned an error result.
 * Returns a promise only for an `AgentTool`'s call, whose child run is read from its session.
 */
export function endTool(
  runs: Runs,
  tool: unknown,
  context: ToolContextLike,
  result: unknown,
): Promise<void> | undefined {
  const run = runs.get(context.invocationId);
  const key = toolKey(tool, context);
  const open = run?.tools.get(key);
  if (!run || !open) return undefined;
  run.tools.delete(key);
  const error =
    open.error ??
    (readField(result, 'isError') === true ? new ToolResultError(mcpErrorText(result)) : undefined);
  if (open.call) {
    if (error !== undefined) open.call.fail(error);
    else open.call.end();
    return undefined;
  }
  if (!open.child) return undefined;
  const recorder = run.recorderFor(context.invocationContext.agent, context.agentName);
  recorder.recordToolCall({
    name: toolTraits(tool).name,
    startedAt: open.child.startedAt,
    outcome: error !== undefined ? 'failure' : 'success',
    ...(context.functionCallId !== undefined ? { callId: context.functionCallId } : {}),
    ...(error !== undefined ? { error } : {}),
  });
  return open.child.finish(recorder);
}
