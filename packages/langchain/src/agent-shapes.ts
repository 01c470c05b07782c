import type { InvocationRecorder } from '@metrics/core';
import { type Fields, isObject, readFields } from '@metrics/core/adapter';
import { type Loose, get, isToolMessage, toolMessageFields, toolMessageStatus } from './langchain-shapes.js';
import { recordUnseenToolMessage } from './tool-messages.js';

/** The message `createAgent`'s ToolNode gives the model for a failed tool (`defaultHandleToolErrors`). */
export function toolErrorContent(error: unknown): string {
  if (get(error, 'name') === 'ToolInvocationError') return String(get(error, 'message'));
  return `${error}\n Please fix your mistakes.`;
}

/** The model id: from the response's metadata, else the request's model. */
export function readModel(message: unknown, request: unknown): string | undefined {
  const answered = isObject(message) ? readFields(message, readAnsweredModel).model : undefined;
  return answered ?? (isObject(request) ? readFields(request, readConfiguredModel).model : undefined);
}

function readAnsweredModel(message: Fields): { model: string | undefined } {
  const metadata: Fields | undefined = message.response_metadata;
  return { model: nonEmpty(metadata?.model_name ?? metadata?.model) };
}

function readConfiguredModel(request: Fields): { model: string | undefined } {
  const model: Fields | undefined = request.model;
  return { model: nonEmpty(model?.model ?? model?.modelName) };
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
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
  let calls: unknown;
  try {
    calls = (response as Loose)?.tool_calls;
  } catch {
    calls = undefined;
  }
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
    let type: unknown;
    try {
      type = (message as Loose)?.type;
    } catch {
      type = undefined;
    }
    if (isToolMessage(message, type)) {
      // only an error ToolMessage is recorded: its other fields are read for that one alone
      if (toolMessageStatus(message) === 'error')
        recordUnseenToolMessage(run.recorder, run.seenToolCalls, toolMessageFields(message));
      continue;
    }
    if (type === 'human') return;
    let calls: unknown;
    try {
      calls = (message as Loose)?.tool_calls;
    } catch {
      calls = undefined;
    }
    if (Array.isArray(calls) && calls.length > 0) return;
  }
}
