import { type InvocationRecorder, type Metrics, type ToolType, fromMastraUsage, now } from '@metrics/core';
import { type ModelAttempt, recordAttempt } from './model-observer.js';
import { SOURCE } from './options.js';

/** The shape of a Mastra `Agent` this wrapper relies on (every member optional but the two calls). */
export interface AgentLike {
  id?: string;
  name?: string;
  model?: unknown;
  generate: (...args: unknown[]) => Promise<unknown>;
  stream: (...args: unknown[]) => Promise<unknown>;
  getMastraInstance?: () => unknown;
  listTools?: (options?: { requestContext?: unknown; resolveWebSearch?: boolean }) => unknown;
}

export interface ExecutionOptions {
  onChunk?: (chunk: unknown) => unknown;
  onStepFinish?: (step: unknown) => unknown;
  onFinish?: (result: unknown) => unknown;
  onError?: (event: unknown) => unknown;
  toolsets?: Record<string, Record<string, unknown>>;
  requestContext?: unknown;
  [key: string]: unknown;
}

interface PendingTool {
  name: string;
  callId: string;
  startedAt: number;
  endedAt?: number;
  outcome?: 'success' | 'failure';
  error?: unknown;
}

/** One `generate`/`stream` call being measured. */
export class StandaloneRun {
  readonly tools = new Map<string, PendingTool>();
  /** set for a stream whose settling Mastra does not expose: `onFinish`/`onError` end the run */
  endOnCallbacks = false;
  /** model requests the model wrapper reported for this run */
  attemptsSeen = 0;
  /**
   * Where the model wrapper reports this run's requests. One function per run: a closure made by
   * the sink resolver for each model request, calling on through two functions and a second
   * `runsByRecorder` lookup, cost ~1.5 k instructions more per model call.
   */
  readonly sink = (attempt: ModelAttempt): void => {
    this.attemptsSeen++;
    recordAttempt(this.recorder, attempt);
  };
  private ended = false;
  // For models the wrapper cannot reach (router ids, OpenAI-compatible configs) — no request seen
  // in the whole run — each step is one model call, from the end of the previous step to its
  // first tool call or its end.
  private stepStart: number;
  private stepFirstToken: number | undefined;
  private stepFirstTool: number | undefined;

  constructor(
    readonly recorder: InvocationRecorder,
    private readonly agent: AgentLike,
    private readonly metrics: Metrics,
    private readonly options: ExecutionOptions | undefined,
    private readonly streamed: boolean,
  ) {
    this.stepStart = recorder.startedAt;
  }

  get hasOpenTool(): boolean {
    for (const tool of this.tools.values()) if (tool.outcome === undefined) return true;
    return false;
  }

  /**
   * The caller's options plus an `onChunk` that sees tool calls and an `onStepFinish` that sees
   * steps; the caller's own callbacks still run. A stream also gets `onFinish`/`onError`, which
   * end it when Mastra does not expose its settling (`endOnCallbacks`, set by `settle` for streams
   * only): a `generate` has no use for them, so it keeps the caller's own (two closures and a
   * call each fewer per run).
   */
  wrapOptions(): ExecutionOptions {
    const user = this.options;
    const onChunk = (chunk: unknown) => {
      // inline, not guard(): that costs a closure and two calls more per chunk
      try {
        this.onChunk(chunk);
      } catch (error) {
        this.metrics.diagnostics.reportError(SOURCE, error);
      }
      return user?.onChunk?.(chunk);
    };
    const onStepFinish = (step: unknown) => {
      try {
        this.onStepFinish(step);
      } catch (error) {
        this.metrics.diagnostics.reportError(SOURCE, error);
      }
      return user?.onStepFinish?.(step);
    };
    if (!this.streamed) return { ...user, onChunk, onStepFinish };
    const onFinish = (result: unknown) => {
      if (this.endOnCallbacks) void this.finish(result);
      return user?.onFinish?.(result);
    };
    const onError = (event: unknown) => {
      if (this.endOnCallbacks)
        void this.finish(undefined, { error: (event as { error?: unknown } | undefined)?.error });
      return user?.onError?.(event);
    };
    return { ...user, onChunk, onStepFinish, onFinish, onError };
  }

  private onStepFinish(step: unknown): void {
    // Once the wrapper saw a request, the steps' own timing is never used again (the count only
    // grows): no clock read and no reading of the step (~4 k instructions per step saved).
    if (this.attemptsSeen !== 0) return;
    const at = now();
    const { usage, response, model, finishReason } = (step ?? {}) as {
      usage?: unknown;
      response?: { modelId?: unknown };
      model?: { modelId?: unknown };
      finishReason?: unknown;
    };
    // a failed step is recorded with its error when the run ends
    if (finishReason !== 'error') {
      const modelId = typeof response?.modelId === 'string' ? response.modelId : model?.modelId;
      // Mastra fills `totalTokens` (0) even when the provider reported nothing: that is no report.
      const u = usage as { inputTokens?: unknown; outputTokens?: unknown } | undefined;
      const reported = typeof u?.inputTokens === 'number' || typeof u?.outputTokens === 'number';
      const parsed = reported ? fromMastraUsage(usage) : undefined;
      const endedAt =
        this.stepFirstTool !== undefined && this.stepFirstTool > this.stepStart ? this.stepFirstTool : at;
      this.recorder.recordModelCall({
        startedAt: this.stepStart,
        endedAt,
        streamed: this.streamed,
        ...(this.streamed && this.stepFirstToken !== undefined ? { firstTokenAt: this.stepFirstToken } : {}),
        ...(typeof modelId === 'string' ? { model: modelId } : {}),
        ...(parsed ? { usage: parsed } : {}),
      });
    }
    this.stepStart = at;
    this.stepFirstToken = undefined;
    this.stepFirstTool = undefined;
  }

  private onChunk(chunk: unknown): void {
    const type = (chunk as { type?: unknown } | null | undefined)?.type;
    // the step timing is the fallback of a run whose requests the wrapper does not see (above)
    if (this.attemptsSeen === 0) {
      if (
        this.stepFirstToken === undefined &&
        (type === 'text-delta' ||
          type === 'reasoning-delta' ||
          type === 'tool-call-delta' ||
          type === 'tool-call')
      )
        this.stepFirstToken = now();
      if (type === 'tool-call' && this.stepFirstTool === undefined) this.stepFirstTool = now();
    }
    // only tool chunks are read further: most chunks are text and step events (their payload
    // read and `toolCallId` check cost ~1 k instructions per model call)
    const called = type === 'tool-call';
    if (!called && type !== 'tool-result' && type !== 'tool-error') return;
    const payload = (chunk as { payload?: Record<string, unknown> }).payload;
    if (!payload) return;
    const callId = typeof payload.toolCallId === 'string' ? payload.toolCallId : undefined;
    if (callId === undefined) return;
    if (called) {
      if (this.tools.size >= 10_000 || this.tools.has(callId)) return;
      const name = typeof payload.toolName === 'string' ? payload.toolName : 'tool';
      this.tools.set(callId, { name, callId, startedAt: now() });
      return;
    }
    const tool = this.tools.get(callId);
    if (!tool || tool.outcome !== undefined) return;
    tool.endedAt = now();
    const failed = type === 'tool-error' || payload.isError === true;
    tool.outcome = failed ? 'failure' : 'success';
    if (failed) tool.error = payload.error ?? payload.result;
  }

  /** Ends the run from what `generate` returned or `stream` settled with. */
  async finish(output: unknown, thrown?: { error: unknown }): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    const endedAt = now();
    try {
      const out = (output ?? {}) as {
        tripwire?: { processorId?: unknown };
        error?: unknown;
        status?: unknown;
      };
      const trip = out.tripwire;
      if (trip) {
        const name =
          typeof trip.processorId === 'string' && trip.processorId ? trip.processorId : 'processor';
        this.recorder.recordGuardrailTrip({ name, kind: 'processor', at: endedAt });
      }
      if (this.tools.size > 0) {
        const tools = await this.listTools();
        for (const tool of this.tools.values()) {
          this.recorder.recordToolCall({
            name: tool.name,
            type: toolType(tool.name, tools, this.options?.toolsets),
            callId: tool.callId,
            startedAt: tool.startedAt,
            endedAt: tool.endedAt ?? endedAt,
            outcome: tool.outcome ?? 'failure',
            // undefined is absent to the recorder: no spread (a clone of the literal per tool call)
            error: tool.error,
          });
        }
      }
      const error = thrown ? thrown.error : out.error;
      if (error !== undefined && error !== null && this.attemptsSeen === 0 && isModelApiError(error)) {
        // the failed request of a model the wrapper could not reach
        this.recorder.recordModelCall({ startedAt: this.stepStart, endedAt, streamed: this.streamed, error });
      }
      if (error !== undefined && error !== null) this.recorder.end({ error, endedAt });
      else this.recorder.end({ endedAt });
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
      if (!this.recorder.ended) this.recorder.end({ endedAt });
    }
  }

  /**
   * The agent's tools as Mastra resolves them for this call's request context. Without resolving
   * web search: that reads the agent's model to swap in the provider's tool, which is never an
   * MCP tool either way.
   */
  private async listTools(): Promise<unknown> {
    try {
      return await this.agent.listTools?.({
        requestContext: this.options?.requestContext,
        resolveWebSearch: false,
      });
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, 'listing the agent tools failed');
      return undefined;
    }
  }
}

/**
 * A called tool's type: `mcp` for a tool served over MCP (Mastra's MCP client sets
 * `mcpMetadata`), else `api`. The call's toolsets override the agent's tools of the same name, the
 * last toolset first. Only the called tools are looked up: listing every tool of every set cost a
 * `Map` and an entry array per run.
 */
function toolType(name: string, agentTools: unknown, toolsets: ExecutionOptions['toolsets']): ToolType {
  const sets = toolsets ? Object.values(toolsets) : [];
  for (let i = sets.length - 1; i >= 0; i--) {
    const set = sets[i];
    if (set && typeof set === 'object' && Object.hasOwn(set, name)) return isMcpTool(set[name]);
  }
  if (agentTools && typeof agentTools === 'object' && Object.hasOwn(agentTools, name))
    return isMcpTool((agentTools as Record<string, unknown>)[name]);
  return 'api';
}

function isMcpTool(tool: unknown): ToolType {
  return typeof tool === 'object' && tool !== null && 'mcpMetadata' in tool && tool.mcpMetadata
    ? 'mcp'
    : 'api';
}

export const runsByRecorder = new WeakMap<InvocationRecorder, StandaloneRun>();

/** An HTTP error from a provider API (AI SDK `APICallError` or anything with an HTTP status). */
function isModelApiError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; statusCode?: unknown; status?: unknown };
  return (
    (typeof e.name === 'string' && e.name.includes('APICallError')) ||
    typeof e.statusCode === 'number' ||
    typeof e.status === 'number'
  );
}

/**
 * Ends a streamed run when Mastra's output settles — as the caller consumes it; nothing here
 * reads the stream (that would run the agent without the caller). Uses Mastra's internal
 * `_waitUntilFinished`; versions without it end the run from `onFinish`/`onError` (a stream
 * ended by a tripwire then goes unrecorded).
 */
export function settle(output: unknown, run: StandaloneRun, metrics: Metrics): void {
  const out = output as { _waitUntilFinished?: () => Promise<void>; status?: unknown; error?: unknown };
  if (typeof out?._waitUntilFinished !== 'function') {
    run.endOnCallbacks = true;
    metrics.diagnostics.emit({
      type: 'mastra.stream-end-from-callbacks',
      level: 'debug',
      source: SOURCE,
      message: 'this Mastra version does not expose when a stream settles; onFinish/onError end the run',
    });
    return;
  }
  out._waitUntilFinished().then(
    () => run.finish(out),
    (error: unknown) => run.finish(undefined, { error }),
  );
}
