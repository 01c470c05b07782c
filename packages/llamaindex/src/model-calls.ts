import { type Diagnostics, type InvocationRecorder, type ModelCall, fromLlamaIndexRaw } from '@metrics/core';
import { carriesToken, isObject, rawHasUsage, rawModel, toolCallOf } from './raw-fields.js';
import { SOURCE } from './source.js';

/** Most model calls kept open in one run (a memory bound, far above any real step). */
const MAX_OPEN = 1_000;

/** A model call seen through `llm-start` (or, without events, through the LLM wrapper). */
export interface OpenModelCall {
  readonly call: ModelCall;
  /** The last stream chunk that carried usage. */
  usageChunk?: unknown;
  model?: string;
  /** Tool names the streamed answer asked for. */
  toolNames?: string[];
  /** A stream chunk arrived for this call. */
  streamed?: boolean;
  /** The caller stopped reading the answer before its end (no usage expected). */
  stoppedEarly?: boolean;
}

export type LlamaIndexUsage = ReturnType<typeof fromLlamaIndexRaw>;

/**
 * The model calls of one run, by the id of their `llm-start` event: `llm-stream` marks the first
 * token and keeps the chunk with usage, `llm-end` ends the call with the provider's usage.
 */
export class ModelCalls {
  private readonly open = new Map<string, OpenModelCall>();
  /** How many `llm-start` events this run received: the LLM wrapper compares before and after a call. */
  starts = 0;
  lastStarted: OpenModelCall | undefined;
  /** Set by the LLM wrapper just before it calls the model, read by the `llm-start` handler. */
  pendingModel: string | undefined;
  pendingStream: boolean | undefined;
  lastError: unknown;

  constructor(
    private readonly recorder: () => InvocationRecorder,
    private readonly diagnostics: Diagnostics,
  ) {}

  start(id: string): void {
    const start: { model?: string; streamed?: boolean } = {};
    if (this.pendingModel !== undefined) start.model = this.pendingModel;
    if (this.pendingStream !== undefined) start.streamed = this.pendingStream;
    this.pendingModel = undefined;
    this.pendingStream = undefined;
    const entry: OpenModelCall = { call: this.recorder().startModelCall(start) };
    if (this.open.size >= MAX_OPEN) {
      const first = this.open.keys().next();
      if (!first.done) this.open.delete(first.value);
    }
    this.open.set(id, entry);
    this.starts++;
    this.lastStarted = entry;
  }

  /** A model call the wrapper saw but no `llm-start` announced (the LLM reports to another core copy). */
  startUnannounced(model: string | undefined, streamed: boolean): OpenModelCall {
    const start: { model?: string; streamed: boolean } = { streamed };
    if (model !== undefined) start.model = model;
    return { call: this.recorder().startModelCall(start), streamed };
  }

  /** Every chunk of every answer comes here: each of its fields is read once. */
  stream(id: string, chunk: unknown): void {
    const entry = this.open.get(id);
    if (!entry) return;
    entry.streamed = true;
    if (!isObject(chunk)) return;
    const toolCall = toolCallOf(chunk);
    if (carriesToken(chunk.delta, toolCall)) {
      entry.call.firstToken();
      if (Array.isArray(toolCall)) entry.toolNames = toolNames(entry.toolNames ?? [], toolCall);
    }
    const raw = chunk.raw;
    if (!isObject(raw)) return;
    if (rawHasUsage(raw)) entry.usageChunk = chunk;
    if (entry.model === undefined) entry.model = rawModel(raw);
  }

  end(id: string, response: unknown): void {
    const entry = this.open.get(id);
    if (!entry) return;
    this.open.delete(id);
    const raw = isObject(response) ? response.raw : undefined;
    this.endCall(entry, fromLlamaIndexRaw(raw), rawModel(raw));
  }

  endCall(entry: OpenModelCall, usage: LlamaIndexUsage, model?: string): void {
    const end: { usage?: NonNullable<LlamaIndexUsage>; model?: string } = {};
    const finalUsage = usage ?? (entry.usageChunk ? fromLlamaIndexRaw([entry.usageChunk]) : undefined);
    if (finalUsage) end.usage = finalUsage;
    else if (entry.streamed && !entry.stoppedEarly) this.warnUsageMissing();
    const finalModel = model ?? entry.model;
    if (finalModel) end.model = finalModel;
    entry.call.end(end);
    this.forget(entry);
  }

  fail(entry: OpenModelCall, error: unknown): void {
    this.lastError = error;
    entry.call.fail(error);
    this.forget(entry);
  }

  /** The run failed: a model call still open is the call that failed it. */
  close(error: unknown): void {
    if (error !== undefined) for (const entry of new Set(this.open.values())) entry.call.fail(error);
    this.open.clear();
  }

  /** Drops a finished call from the open ones (`forEach`: no entry array per step, unlike `for...of`). */
  private forget(entry: OpenModelCall): void {
    if (this.open.size === 0) return;
    this.open.forEach((open, id) => {
      if (open === entry) this.open.delete(id);
    });
  }

  private warnUsageMissing(): void {
    this.diagnostics.emitOnce({
      type: 'llamaindex.streamed-usage-missing',
      level: 'warn',
      source: SOURCE,
      message:
        'a streamed model call ended without token usage; its tokens are recorded as not reported. ' +
        '@llamaindex/openai streams usage only with stream_options: { include_usage: true } (asked for ' +
        'by the adapter on LLMs it instrumented); @llamaindex/anthropic drops the usage events of a ' +
        'stream (its non-streamed calls report usage). Told once.',
    });
  }
}

function toolNames(names: string[], toolCall: unknown[]): string[] {
  for (const call of toolCall) {
    const name = isObject(call) ? call.name : undefined;
    if (typeof name === 'string' && names.length < 100) names.push(name);
  }
  return names;
}
