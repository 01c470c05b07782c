import { type ToolType, getCurrentInvocation } from '@metrics/core';
import { type AttemptScope, runInAttemptScope } from '@metrics/core/adapter';
import { claimToolRequest } from './tool-requests.js';

export interface RunToolOptions {
  /** `'mcp'` for a tool served by an MCP server; detected from the name otherwise (`mcp__…`), `'api'` by default. */
  type?: ToolType;
  /** The id of the tool call the model made (`tool_calls[].id`, `tool_use.id`, …): answers that exact request. */
  callId?: string;
}

const NO_SCOPE: AttemptScope = Object.freeze({ ended: true, attemptLog: () => null });

/**
 * Runs one of your tools and records it as a tool call of the current invocation (its duration,
 * its outcome, its type), answering the model's request for it. Outside any invocation it only
 * runs `fn`. The result and the error are `fn`'s own.
 */
export async function runTool<T>(
  name: string,
  fn: () => T | Promise<T>,
  options: RunToolOptions = {},
): Promise<T> {
  const recorder = getCurrentInvocation();
  if (recorder === undefined || recorder.ended) return fn();
  const request = claimToolRequest(recorder, name, options.callId);
  const callId = options.callId ?? request?.callId;
  return runInAttemptScope(NO_SCOPE, async () => {
    const call = recorder.startToolCall({
      name,
      ...(options.type !== undefined ? { type: options.type } : {}),
      ...(callId !== undefined ? { callId } : {}),
    });
    try {
      const result = await fn();
      call.end();
      return result;
    } catch (error) {
      call.fail(error);
      throw error;
    }
  });
}
