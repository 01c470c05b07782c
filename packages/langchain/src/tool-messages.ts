import type { InvocationRecorder } from '@metrics/core';
import { type ToolMessageLike, isErrorToolMessage, isToolLimitMessage } from './langchain-shapes.js';

/** A tool whose error came back as an error `ToolMessage` (no exception to classify). */
export class ToolMessageError extends Error {
  override name = 'ToolMessageError';
}

/**
 * An error `ToolMessage` that no tool hook saw: a call `toolCallLimitMiddleware` blocked (a
 * guardrail hit), or a call that failed before any tool ran (unknown tool, invalid arguments).
 * Each tool call id is accounted once, through `seen`.
 */
export function recordUnseenToolMessage(
  recorder: InvocationRecorder,
  seen: Set<string>,
  message: ToolMessageLike,
): void {
  if (message.status !== 'error' || message.toolCallId === undefined) return;
  if (seen.has(message.toolCallId)) return;
  seen.add(message.toolCallId);
  if (isToolLimitMessage(message)) {
    recorder.recordGuardrailTrip({ name: 'ToolCallLimitExceeded', kind: 'tool-call-limit' });
    return;
  }
  recorder.recordToolCall({
    name: message.name ?? 'unknown',
    callId: message.toolCallId,
    outcome: 'failure',
    error: new ToolMessageError('the tool call failed before the tool ran'),
  });
}

/** Ends a tool call from its result: an error `ToolMessage` is a failure. */
export function endToolCall(call: { end(): void; fail(error: unknown): void }, result: unknown): void {
  if (isErrorToolMessage(result)) call.fail(new ToolMessageError('the tool returned an error ToolMessage'));
  else call.end();
}
