import type { InvocationRecorder } from '@metrics/core';
import { get, isToolMessage, toolMessageFields, toolMessageStatus } from './langchain-shapes.js';
import { recordUnseenToolMessage } from './tool-messages.js';

/** The message `createAgent`'s ToolNode gives the model for a failed tool (`defaultHandleToolErrors`). */
export function toolErrorContent(error: unknown): string {
  if (get(error, 'name') === 'ToolInvocationError') return String(get(error, 'message'));
  return `${error}\n Please fix your mistakes.`;
}

/** The model id: from the response's metadata, else the request's model. */
export function readModel(message: unknown, request: unknown): string | undefined {
  const metadata = get(message, 'response_metadata');
  const fromResponse = get(metadata, 'model_name') ?? get(metadata, 'model');
  if (typeof fromResponse === 'string' && fromResponse) return fromResponse;
  const model = get(request, 'model');
  const configured = get(model, 'model') ?? get(model, 'modelName');
  return typeof configured === 'string' && configured ? configured : undefined;
}

/**
 * The AI message of a model response: the message itself, or the one inside the
 * `{ structuredResponse, messages }` result of a structured-output (tool strategy) answer.
 */
export function aiMessageOf(response: unknown): unknown {
  if (get(response, 'usage_metadata') !== undefined || get(response, 'tool_calls') !== undefined)
    return response;
  const messages = get(response, 'messages');
  if (Array.isArray(messages))
    for (const message of messages) if (get(message, 'type') === 'ai') return message;
  return response;
}

/** A final answer: no tool call that the agent's tool node would run (structured output calls do not count). */
export function isFinalAnswer(response: unknown, request: unknown): boolean {
  const calls = get(response, 'tool_calls');
  if (!Array.isArray(calls) || calls.length === 0) return true;
  // With structured output (tool strategy), the answer is a call to the response-format tool,
  // which is not one of the agent's tools; without it, an unknown tool is a failed call.
  if (get(request, 'responseFormat') === undefined) return false;
  const tools = get(request, 'tools');
  if (!Array.isArray(tools)) return false;
  for (const call of calls) {
    const name = get(call, 'name');
    for (const tool of tools) if (get(tool, 'name') === name) return false;
  }
  return true;
}

/**
 * Error `ToolMessage`s answering the last tool-calling AI message that no `wrapToolCall` saw:
 * the ones `toolCallLimitMiddleware` injects for blocked calls (guardrail hits), or failures
 * produced before the tool node. Walks back from the end of the conversation, bounded.
 */
export function accountUnseenToolMessages(
  run: { recorder: InvocationRecorder; seenToolCalls: Set<string> },
  messages: unknown,
): void {
  if (!Array.isArray(messages)) return;
  for (let i = messages.length - 1, n = 0; i >= 0 && n < 64; i--, n++) {
    const message: unknown = messages[i];
    if (message === null || typeof message !== 'object') continue;
    const type = get(message, 'type');
    if (isToolMessage(message, type)) {
      // only an error ToolMessage is recorded: its other fields are read for that one alone
      if (toolMessageStatus(message) === 'error')
        recordUnseenToolMessage(run.recorder, run.seenToolCalls, toolMessageFields(message));
      continue;
    }
    if (type === 'human') return;
    const calls = get(message, 'tool_calls');
    if (Array.isArray(calls) && calls.length > 0) return;
  }
}
