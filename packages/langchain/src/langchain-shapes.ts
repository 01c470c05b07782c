import { type ToolType, type Usage, addUsage, fromLangChainUsageMetadata, readField } from '@metrics/core';

/** Reads a property without trusting the object (hostile getters, proxies): core's `readField`. */
export const get = readField;

/**
 * What the hot paths read with plain property accesses inside a `try`, going back to `get` for
 * each field only when one of them threw (the same values, read twice then). `get` is a call and a
 * generic keyed lookup per field, about 250 instructions in V8's baseline tier; a plain access has
 * its own inline cache.
 */
export type Loose = { readonly [key: string]: any } | null | undefined;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** What a `handleLLMEnd` result says about the call: usage (from `usage_metadata` only) and model. */
export interface ModelOutput {
  usage: Usage | undefined;
  model: string | undefined;
  /** The message is a streamed `AIMessageChunk` aggregate. */
  chunked: boolean;
}

/**
 * Usage from `generations[i][j].message.usage_metadata`, summed over generations. Never
 * `llmOutput` (an estimate on some paths, a duplicate on the others).
 */
export function readModelOutput(output: unknown): ModelOutput {
  let usage: Usage | undefined;
  let model: string | undefined;
  let chunked = false;
  const generations = get(output, 'generations');
  if (Array.isArray(generations)) {
    for (const batch of generations) {
      if (!Array.isArray(batch)) continue;
      for (const generation of batch) {
        const message = get(generation, 'message');
        if (message === undefined) continue;
        usage = addUsage(usage, fromLangChainUsageMetadata(get(message, 'usage_metadata')));
        const metadata = get(message, 'response_metadata');
        model ??= str(get(metadata, 'model_name')) ?? str(get(metadata, 'model'));
        model ??= str(get(get(generation, 'generationInfo'), 'model_name'));
        if (!chunked && Array.isArray(get(message, 'tool_call_chunks'))) chunked = true;
      }
    }
  }
  return { usage, model, chunked };
}

/** The model id a chat model start reports (invocation params, else LangSmith metadata). */
export function readRequestedModel(extraParams: unknown, metadata: unknown): string | undefined {
  const params = get(extraParams, 'invocation_params');
  return (
    str(get(params, 'model')) ??
    str(get(params, 'model_name')) ??
    str(get(params, 'modelName')) ??
    str(get(metadata, 'ls_model_name'))
  );
}

/** A streamed chunk carries a first token: non-empty text, or a tool-call delta. */
export function isFirstToken(token: unknown, fields: unknown): boolean {
  if (typeof token === 'string' && token.length > 0) return true;
  const message = get(get(fields, 'chunk'), 'message');
  const chunks = get(message, 'tool_call_chunks');
  if (Array.isArray(chunks) && chunks.length > 0) return true;
  const content = get(message, 'content');
  if (Array.isArray(content)) {
    for (const part of content) {
      const text = get(part, 'text');
      if ((typeof text === 'string' && text.length > 0) || get(part, 'type') === 'tool_use') return true;
    }
  }
  return false;
}

/** A chat-model stream event (the newer streaming protocol) that carries a first token. */
export function isFirstTokenEvent(event: unknown): boolean {
  const kind = get(event, 'event');
  if (kind === 'content-block-start') {
    const type = get(get(event, 'content'), 'type');
    return type === 'tool_call' || type === 'tool_call_chunk';
  }
  if (kind !== 'content-block-delta') return false;
  const delta = get(event, 'delta');
  const type = get(delta, 'type');
  if (type === 'text-delta') return (get(delta, 'text') as string | undefined)?.length !== 0;
  if (type === 'tool-call-delta') return true;
  return false;
}

/** Tools from `@langchain/mcp-adapters` carry the MCP `annotations` in their metadata; local tools never do. */
export function detectToolType(metadata: unknown): ToolType {
  if (metadata !== null && typeof metadata === 'object' && Object.hasOwn(metadata, 'annotations'))
    return 'mcp';
  return 'api';
}

/** A LangGraph compiled graph (a `createAgent` agent is one too). */
export function isGraph(serialized: unknown): boolean {
  const id = get(serialized, 'id');
  return Array.isArray(id) && id[0] === 'langgraph' && id[1] === 'pregel';
}

export function isCreateAgent(metadata: unknown): boolean {
  return get(metadata, 'ls_integration') === 'langchain_create_agent';
}

export interface ToolMessageLike {
  toolCallId: string | undefined;
  name: string | undefined;
  status: string | undefined;
  content: unknown;
}

/** Whether `value`, whose `type` field reads `type`, is a `ToolMessage`. */
export function isToolMessage(value: object, type: unknown): boolean {
  return (
    type === 'tool' ||
    (typeof (value as { _getType?: unknown })._getType === 'function' &&
      get(value, 'tool_call_id') !== undefined)
  );
}

/** A `ToolMessage`'s status (`isToolMessage` said it is one). */
export function toolMessageStatus(message: object): string | undefined {
  return str(get(message, 'status'));
}

/** A `ToolMessage`'s fields (`isToolMessage` said it is one). */
export function toolMessageFields(message: object): ToolMessageLike {
  return {
    toolCallId: str(get(message, 'tool_call_id')),
    name: str(get(message, 'name')),
    status: str(get(message, 'status')),
    content: get(message, 'content'),
  };
}

export function asToolMessage(value: unknown): ToolMessageLike | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  return isToolMessage(value, get(value, 'type')) ? toolMessageFields(value) : undefined;
}

/** Whether a tool's result is an error `ToolMessage` (`asToolMessage(value)?.status === 'error'`, its status read alone). */
export function isErrorToolMessage(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return isToolMessage(value, get(value, 'type')) && toolMessageStatus(value) === 'error';
}

/**
 * Every `ToolMessage` in a node's output (a state update, a list of updates, a `Command`).
 * Bounded: a node output is small; the depth and count caps keep a hostile value cheap.
 */
export function collectToolMessages(
  value: unknown,
  out: ToolMessageLike[] = [],
  depth = 0,
): ToolMessageLike[] {
  if (depth > 4 || out.length >= 256 || value === null || typeof value !== 'object') return out;
  const message = asToolMessage(value);
  if (message) {
    out.push(message);
    return out;
  }
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 256)) collectToolMessages(item, out, depth + 1);
    return out;
  }
  const messages = get(value, 'messages');
  if (messages !== undefined) collectToolMessages(messages, out, depth + 1);
  const update = get(value, 'update');
  if (update !== undefined) collectToolMessages(update, out, depth + 1);
  return out;
}

const LIMIT_PREFIX = 'Tool call limit exceeded';

/** The error `ToolMessage` that `toolCallLimitMiddleware` injects for a blocked call. */
export function isToolLimitMessage(message: ToolMessageLike): boolean {
  return typeof message.content === 'string' && message.content.startsWith(LIMIT_PREFIX);
}

const GUARDRAIL_ERRORS = new Set(['PIIDetectionError', 'ToolCallLimitExceededError']);

/** The guardrail (a built-in guardrail middleware's error) that failed the run, if any. */
export function guardrailName(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const name = str(get(current, 'name'));
    const ctor = str(get(get(current, 'constructor'), 'name'));
    if (name && GUARDRAIL_ERRORS.has(name)) return name;
    if (ctor && GUARDRAIL_ERRORS.has(ctor)) return ctor;
    current = get(current, 'cause');
  }
  return undefined;
}

/** A LangChain run id (a UUID): cheap shape check, no regex on the hot path. */
export function isRunId(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length === 36 &&
    value.charCodeAt(8) === 45 &&
    value.charCodeAt(23) === 45
  );
}

/** A run id argument, or `undefined` for anything else in that position. */
export function runIdArg(value: unknown): string | undefined {
  return isRunId(value) ? value : undefined;
}
