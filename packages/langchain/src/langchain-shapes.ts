import { type ToolType, type Usage, addUsage, fromLangChainUsageMetadata, readField } from '@metrics/core';
import { type Fields, isObject, readFields } from '@metrics/core/adapter';

/** Reads a property without trusting the object (hostile getters, proxies): core's `readField`. */
export const get = readField;

/** A LangChain object read with plain accesses (inside a `try`, or through `readFields`). */
export type Loose = Fields | null | undefined;

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

const NO_OUTPUT: ModelOutput = { usage: undefined, model: undefined, chunked: false };

/**
 * Usage from `generations[i][j].message.usage_metadata`, summed over generations. Never
 * `llmOutput` (an estimate on some paths, a duplicate on the others).
 *
 * LangChain's objects are read here and below with the core's `readFields`: plain accesses, read
 * again through a guarded view only when a getter threw.
 */
export function readModelOutput(output: unknown): ModelOutput {
  return isObject(output) ? readFields(output, readOutput) : NO_OUTPUT;
}

function readOutput(output: Fields): ModelOutput {
  let usage: Usage | undefined;
  let model: string | undefined;
  let chunked = false;
  const generations = output.generations;
  if (Array.isArray(generations)) {
    for (const batch of generations) {
      if (!Array.isArray(batch)) continue;
      for (const generation of batch as (Fields | null | undefined)[]) {
        const message: Fields | undefined = generation?.message;
        if (message === undefined) continue;
        usage = addUsage(usage, fromLangChainUsageMetadata(message?.usage_metadata));
        const metadata: Fields | undefined = message?.response_metadata;
        model ??= str(metadata?.model_name) ?? str(metadata?.model);
        model ??= str(generation?.generationInfo?.model_name);
        if (!chunked && Array.isArray(message?.tool_call_chunks)) chunked = true;
      }
    }
  }
  return { usage, model, chunked };
}

/** What a chat model start's LangSmith metadata says, read once per model call. */
export interface StartMetadata {
  /** `ls_model_name` */
  model: string | undefined;
  /** `ls_provider` */
  provider: unknown;
  /** `versions['@langchain/anthropic']` */
  anthropicVersion: string | undefined;
}

const NO_METADATA: StartMetadata = { model: undefined, provider: undefined, anthropicVersion: undefined };

export function readStartMetadata(metadata: unknown): StartMetadata {
  return isObject(metadata) ? readFields(metadata, readMetadataFields) : NO_METADATA;
}

function readMetadataFields(metadata: Fields): StartMetadata {
  const version = metadata.versions?.['@langchain/anthropic'];
  return {
    model: str(metadata.ls_model_name),
    provider: metadata.ls_provider,
    anthropicVersion: typeof version === 'string' ? version : undefined,
  };
}

/** The model id a chat model start asks for (invocation params, else LangSmith's metadata). */
export function readRequestedModel(extraParams: unknown, metadata: StartMetadata): string | undefined {
  const asked = isObject(extraParams) ? readFields(extraParams, readInvocationModel).model : undefined;
  return asked ?? metadata.model;
}

function readInvocationModel(extraParams: Fields): { model: string | undefined } {
  const params: Fields | undefined = extraParams.invocation_params;
  return { model: str(params?.model) ?? str(params?.model_name) ?? str(params?.modelName) };
}

/** A model end served from LangChain's cache (`extraParams.cached`): no model was called. */
export function isCached(extraParams: unknown): boolean {
  return isObject(extraParams) && readFields(extraParams, readCached).cached;
}

const readCached = (extraParams: Fields) => ({ cached: extraParams.cached === true });

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

/** The class name a serialized runnable (a tool) carries last in its `id`; `'tool'` without one. */
export function serializedName(serialized: unknown): string {
  const id = get(serialized, 'id');
  return Array.isArray(id) && typeof id[id.length - 1] === 'string' ? id[id.length - 1] : 'tool';
}

/** A LangGraph compiled graph (a `createAgent` agent is one too). */
export function isGraph(serialized: unknown): boolean {
  return isObject(serialized) && readFields(serialized, readGraphId).graph;
}

function readGraphId(serialized: Fields): { graph: boolean } {
  const id = serialized.id;
  return { graph: Array.isArray(id) && id[0] === 'langgraph' && id[1] === 'pregel' };
}

/** The LangGraph node a chain runs in (`metadata.langgraph_node`), if any. */
export function langgraphNode(metadata: unknown): string | undefined {
  return isObject(metadata) ? readFields(metadata, readGraphNode).node : undefined;
}

function readGraphNode(metadata: Fields): { node: string | undefined } {
  const node = metadata.langgraph_node;
  return { node: typeof node === 'string' ? node : undefined };
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

/** Whether a tool's result is an error `ToolMessage` (its status read alone). */
export function isErrorToolMessage(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  return isToolMessage(value, get(value, 'type')) && toolMessageStatus(value) === 'error';
}

/**
 * Every `ToolMessage` in a node's output (a state update, a list of updates, a `Command`), as
 * found (read its status with `toolMessageStatus`, its fields with `toolMessageFields`).
 * Bounded: a node output is small; the depth and count caps keep a hostile value cheap.
 */
export function collectToolMessages(value: unknown): object[] {
  return isObject(value) ? readFields(value, readToolMessages).found : [];
}

const readToolMessages = (value: Fields) => ({ found: collect(value, [], 0) });

const MAX_TOOL_MESSAGES = 256;
const MAX_DEPTH = 4;

function collect(value: unknown, out: object[], depth: number): object[] {
  if (depth > MAX_DEPTH || out.length >= MAX_TOOL_MESSAGES || value === null || typeof value !== 'object')
    return out;
  const v = value as Fields;
  // isToolMessage's test, its `tool_call_id` read first (most messages have none)
  if (v.type === 'tool' || (v.tool_call_id !== undefined && typeof v._getType === 'function')) {
    out.push(value);
    return out;
  }
  if (Array.isArray(value)) {
    const n = Math.min(value.length, MAX_TOOL_MESSAGES);
    for (let i = 0; i < n; i++) collect(value[i], out, depth + 1);
    return out;
  }
  const messages = v.messages;
  if (messages !== undefined) collect(messages, out, depth + 1);
  const update = v.update;
  if (update !== undefined) collect(update, out, depth + 1);
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
