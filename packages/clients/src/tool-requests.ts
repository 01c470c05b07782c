import type { InvocationRecorder } from '@metrics/core';

/** A tool call the model asked for in its answer. */
export interface ToolRequest {
  readonly name: string;
  readonly callId?: string | undefined;
}

/** The error of a tool call the model asked for that was not run through `runTool` before the next model call. */
export class ToolNotRunError extends Error {
  override readonly name = 'ToolNotRunError';
  constructor(readonly toolName: string) {
    super(
      `the model asked for tool "${toolName}", which was not run (through runTool) before the next model call`,
    );
  }
}

// per invocation: the tool calls the last answer asked for and nobody has run yet
const pending = new WeakMap<InvocationRecorder, ToolRequest[]>();

/** Notes the tool calls an answer asked for. */
export function requestTools(recorder: InvocationRecorder, requests: readonly ToolRequest[]): void {
  const list = pending.get(recorder);
  if (list) list.push(...requests);
  else pending.set(recorder, [...requests]);
}

/** Takes the request a tool run answers: the one with its call id, else the first with its name. */
export function claimToolRequest(
  recorder: InvocationRecorder,
  name: string,
  callId: string | undefined,
): ToolRequest | undefined {
  const list = pending.get(recorder);
  if (!list) return undefined;
  let index = callId !== undefined ? list.findIndex((r) => r.callId === callId) : -1;
  if (index < 0) index = list.findIndex((r) => r.name === name);
  return index < 0 ? undefined : list.splice(index, 1)[0];
}

/** Records the requested tool calls nobody ran as failed tool calls (`ToolNotRunError`). */
export function recordToolsNotRun(recorder: InvocationRecorder): void {
  const list = pending.get(recorder);
  if (!list || list.length === 0) return;
  pending.delete(recorder);
  for (const request of list)
    recorder.recordToolCall({
      name: request.name,
      ...(request.callId !== undefined ? { callId: request.callId } : {}),
      outcome: 'failure',
      error: new ToolNotRunError(request.name),
    });
}
