import { AsyncLocalStorage } from 'node:async_hooks';
import {
  type Diagnostics,
  type InvocationRecorder,
  type ModelCall,
  type ToolCall,
  fromLlamaIndexRaw,
} from '@metrics/core';
import { isMcpTool } from './mcp.js';
import { chunkHasUsage, isFirstTokenChunk, isObject, rawModel } from './raw-fields.js';

export const SOURCE = '@metrics/llamaindex';
const MAX_OPEN = 1_000;
/** The tool `multiAgent()` adds for handoffs: a handoff is a member run, not a tool call. */
const HANDOFF_TOOL = 'handOff';

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

interface AgentLike {
  name: string;
  tools?: ReadonlyArray<{ metadata?: { name?: string } }>;
}

/** The instrumentation of one invocation (or a nested workflow run inside one). */
export class RunState {
  /** The agent whose calls are being recorded (root recorder or a member run). */
  private current: { name: string | undefined; recorder: InvocationRecorder };
  private rootAgentName: string | undefined;
  private readonly modelCalls = new Map<string, OpenModelCall>();
  private readonly toolCalls = new Map<string, ToolCall>();
  /** Tool calls seen through `llm-tool-call` (no failure event exists: the next event closes them). */
  private readonly callbackTools = new Map<string, ToolCall>();
  private readonly agents = new Map<string, AgentLike>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private detachSignal: (() => void) | undefined;
  private ended = false;
  /** How many `llm-start` events this run received: the LLM wrapper compares before and after a call. */
  llmStarts = 0;
  lastStarted: OpenModelCall | undefined;
  /** Set by the LLM wrapper just before it calls the model, read by the `llm-start` handler. */
  pendingModel: string | undefined;
  pendingStream: boolean | undefined;
  /** Whether `@llamaindex/workflow` events reach this run (then they are the tool source). */
  workflowEvents = false;
  lastModelError: unknown;
  warnedNoEvents = false;

  constructor(
    readonly root: InvocationRecorder,
    readonly diagnostics: Diagnostics,
  ) {
    this.current = { name: undefined, recorder: root };
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get recorder(): InvocationRecorder {
    return this.current.recorder;
  }

  addAgents(agents: Iterable<AgentLike>, rootAgentName?: string): void {
    for (const agent of agents) if (this.agents.size < MAX_OPEN) this.agents.set(agent.name, agent);
    if (rootAgentName !== undefined && this.rootAgentName === undefined) {
      this.rootAgentName = rootAgentName;
      this.current = { name: rootAgentName, recorder: this.root };
    }
  }

  /** Ends the record when `ms` passes (or `signal` aborts) before the run settles. */
  setDeadline(ms: number | undefined, signal: AbortSignal | undefined): void {
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) {
      this.timer = setTimeout(
        () => this.giveUp('DeadlineExceeded', `the run did not settle within ${ms} ms`),
        ms,
      );
      this.timer.unref?.();
    }
    if (signal) {
      if (signal.aborted) {
        this.giveUp('AbortError', 'the run was aborted', signal.reason);
        return;
      }
      const onAbort = () => this.giveUp('AbortError', 'the run was aborted', signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.detachSignal = () => signal.removeEventListener('abort', onAbort);
    }
  }

  private giveUp(name: string, message: string, reason?: unknown): void {
    if (this.ended) return;
    let error = this.lastModelError ?? reason;
    if (error === undefined) {
      error = new Error(message);
      (error as Error).name = name === 'DeadlineExceeded' ? 'TimeoutError' : name;
    }
    this.finish(error);
  }

  // ---- callback manager events (dispatched synchronously to this run) ----

  handleEvent(type: string, detail: unknown): void {
    if (this.ended || !isObject(detail)) return;
    switch (type) {
      case 'llm-start':
        this.llmStart(String(detail.id));
        break;
      case 'llm-stream':
        this.llmStream(String(detail.id), detail.chunk);
        break;
      case 'llm-end':
        this.llmEnd(String(detail.id), detail.response);
        break;
      case 'llm-tool-call':
        this.toolCallEvent(detail.toolCall);
        break;
      case 'llm-tool-result':
        this.toolResultEvent(detail.toolCall, detail.toolResult);
        break;
    }
  }

  private llmStart(id: string): void {
    this.closeCallbackTools();
    const start: { model?: string; streamed?: boolean } = {};
    if (this.pendingModel !== undefined) start.model = this.pendingModel;
    if (this.pendingStream !== undefined) start.streamed = this.pendingStream;
    this.pendingModel = undefined;
    this.pendingStream = undefined;
    const entry: OpenModelCall = { call: this.recorder.startModelCall(start) };
    if (this.modelCalls.size >= MAX_OPEN) this.evictOldest(this.modelCalls);
    this.modelCalls.set(id, entry);
    this.llmStarts++;
    this.lastStarted = entry;
  }

  private llmStream(id: string, chunk: unknown): void {
    const entry = this.modelCalls.get(id);
    if (!entry) return;
    entry.streamed = true;
    if (isFirstTokenChunk(chunk)) {
      entry.call.firstToken();
      const toolCall = isObject(chunk) && isObject(chunk.options) ? chunk.options.toolCall : undefined;
      if (Array.isArray(toolCall)) {
        const names = entry.toolNames ?? [];
        for (const call of toolCall) {
          const name = isObject(call) ? call.name : undefined;
          if (typeof name === 'string' && names.length < 100) names.push(name);
        }
        entry.toolNames = names;
      }
    }
    if (chunkHasUsage(chunk)) entry.usageChunk = chunk;
    if (entry.model === undefined && isObject(chunk)) entry.model = rawModel(chunk.raw);
  }

  private llmEnd(id: string, response: unknown): void {
    const entry = this.modelCalls.get(id);
    if (!entry) return;
    this.modelCalls.delete(id);
    const raw = isObject(response) ? response.raw : undefined;
    this.endModelCall(entry, fromLlamaIndexRaw(raw), rawModel(raw));
  }

  endModelCall(entry: OpenModelCall, usage: ReturnType<typeof fromLlamaIndexRaw>, model?: string): void {
    const end: { usage?: NonNullable<typeof usage>; model?: string } = {};
    const finalUsage = usage ?? (entry.usageChunk ? fromLlamaIndexRaw([entry.usageChunk]) : undefined);
    if (finalUsage) end.usage = finalUsage;
    else if (entry.streamed && !entry.stoppedEarly)
      this.diagnostics.emitOnce({
        type: 'llamaindex.streamed-usage-missing',
        level: 'warn',
        source: SOURCE,
        message:
          'a streamed model call ended without token usage; its tokens are recorded as not reported. ' +
          '@llamaindex/openai streams usage only with additionalChatOptions: { stream_options: ' +
          '{ include_usage: true } }; @llamaindex/anthropic drops the usage events of a stream ' +
          '(its non-streamed calls report usage). Told once.',
      });
    const finalModel = model ?? entry.model;
    if (finalModel) end.model = finalModel;
    entry.call.end(end);
    this.forget(entry);
  }

  /**
   * The agent stopped reading a model answer early: in `@llamaindex/workflow` that is an answer
   * naming a tool the agent does not have ("Tools not found"), which never runs. Each such call
   * is recorded as a failed tool call.
   */
  stoppedReading(entry: OpenModelCall): void {
    entry.stoppedEarly = true;
    if (this.ended || !entry.toolNames || this.agents.size === 0) return;
    for (const name of entry.toolNames) {
      if (this.findTool(undefined, name) !== undefined || name === HANDOFF_TOOL) continue;
      this.recorder.recordToolCall({
        name,
        type: isMcpTool(undefined, name) ? 'mcp' : 'api',
        outcome: 'failure',
        error: new ToolError(`Tools not found: ${name}`),
      });
    }
  }

  failModelCall(entry: OpenModelCall, error: unknown): void {
    this.lastModelError = error;
    entry.call.fail(error);
    this.forget(entry);
  }

  /** Drops a finished call from the open ones (`forEach`: no entry array per step, unlike `for...of`). */
  private forget(entry: OpenModelCall): void {
    if (this.modelCalls.size === 0) return;
    this.modelCalls.forEach((open, id) => {
      if (open === entry) this.modelCalls.delete(id);
    });
  }

  /** A model call the wrapper saw but no `llm-start` announced (the LLM reports to another core copy). */
  startUnannouncedCall(model: string | undefined, streamed: boolean): OpenModelCall {
    const start: { model?: string; streamed: boolean } = { streamed };
    if (model !== undefined) start.model = model;
    return { call: this.recorder.startModelCall(start), streamed };
  }

  private toolKey(toolCall: unknown): string | undefined {
    if (!isObject(toolCall)) return undefined;
    const id = toolCall.id ?? toolCall.name;
    return typeof id === 'string' ? id : undefined;
  }

  private toolCallEvent(toolCall: unknown): void {
    if (this.workflowEvents || !isObject(toolCall)) return;
    this.closeCallbackTools();
    const name = String(toolCall.name);
    if (name === HANDOFF_TOOL) return;
    const key = this.toolKey(toolCall) ?? name;
    const call = this.recorder.startToolCall({
      name,
      type: isMcpTool(this.findTool(undefined, name), name) ? 'mcp' : 'api',
      ...(typeof toolCall.id === 'string' ? { callId: toolCall.id } : {}),
    });
    if (this.callbackTools.size >= MAX_OPEN) this.evictOldest(this.callbackTools);
    this.callbackTools.set(key, call);
  }

  private toolResultEvent(toolCall: unknown, toolResult: unknown): void {
    if (this.workflowEvents) return;
    const key = this.toolKey(toolCall);
    const call = key === undefined ? undefined : this.callbackTools.get(key);
    if (!call || key === undefined) return;
    this.callbackTools.delete(key);
    if (isObject(toolResult) && toolResult.isError === true) call.fail(new ToolError(toolResult.output));
    else call.end();
  }

  /** `llm-tool-result` is only sent on success: a tool call still open at the next event failed. */
  private closeCallbackTools(): void {
    if (this.callbackTools.size === 0) return;
    for (const call of this.callbackTools.values()) call.fail(new ToolError('the tool failed'));
    this.callbackTools.clear();
  }

  // ---- @llamaindex/workflow events (created synchronously inside this run) ----

  agentInput(agentName: unknown): void {
    if (this.ended || typeof agentName !== 'string') return;
    this.workflowEvents = true;
    if (this.rootAgentName === undefined) this.rootAgentName = agentName;
    if (this.current.name === agentName) return;
    if (this.current.recorder !== this.root) this.current.recorder.end();
    if (agentName === this.rootAgentName) {
      this.current = { name: agentName, recorder: this.root };
      return;
    }
    const llm = (this.agents.get(agentName) as { llm?: { metadata?: { model?: unknown } } } | undefined)?.llm;
    const model = llm?.metadata?.model;
    this.current = {
      name: agentName,
      recorder: this.root.startMemberRun({
        kind: 'handoff',
        name: agentName,
        ...(typeof model === 'string' ? { model } : {}),
      }),
    };
  }

  workflowToolCall(data: unknown): void {
    if (this.ended || !isObject(data)) return;
    this.workflowEvents = true;
    this.closeCallbackTools();
    const name = String(data.toolName);
    if (name === HANDOFF_TOOL && this.agents.size > 1) return;
    const agentName = typeof data.agentName === 'string' ? data.agentName : undefined;
    const call = this.recorder.startToolCall({
      name,
      type: isMcpTool(this.findTool(agentName, name), name) ? 'mcp' : 'api',
      ...(typeof data.toolId === 'string' ? { callId: data.toolId } : {}),
    });
    const key = typeof data.toolId === 'string' ? data.toolId : name;
    if (this.toolCalls.size >= MAX_OPEN) this.evictOldest(this.toolCalls);
    this.toolCalls.set(key, call);
  }

  workflowToolResult(data: unknown): void {
    if (this.ended || !isObject(data)) return;
    const key = typeof data.toolId === 'string' ? data.toolId : String(data.toolName);
    const call = this.toolCalls.get(key);
    if (!call) return;
    this.toolCalls.delete(key);
    const output = isObject(data.toolOutput) ? data.toolOutput : undefined;
    if (output?.isError === true) call.fail(new ToolError(output.result));
    else call.end();
  }

  private findTool(agentName: string | undefined, toolName: string): object | undefined {
    const search = agentName !== undefined ? [this.agents.get(agentName)] : this.agents.values();
    for (const agent of search) {
      const tool = agent?.tools?.find((t) => t?.metadata?.name === toolName);
      if (tool) return tool;
    }
    return undefined;
  }

  private evictOldest(map: Map<string, { fail?: unknown } | OpenModelCall | ToolCall>): void {
    const first = map.keys().next();
    if (!first.done) map.delete(first.value);
    this.diagnostics.emit({
      type: 'llamaindex.evicted',
      level: 'debug',
      source: SOURCE,
      message: `more than ${MAX_OPEN} calls were open in one run; the oldest was dropped`,
    });
  }

  /** Ends the record (once): with the run's error, or successfully. */
  finish(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.detachSignal?.();
    this.closeCallbackTools();
    if (error !== undefined) {
      // a model call still open when the run failed is the call that failed it
      for (const entry of new Set(this.modelCalls.values())) entry.call.fail(error);
    }
    this.modelCalls.clear();
    this.toolCalls.clear();
    if (this.agents.size > 0 && this.llmStarts > 0 && !this.workflowEvents) {
      this.diagnostics.emit({
        type: 'llamaindex.workflow-events-not-received',
        level: 'warn',
        source: SOURCE,
        message:
          'an agent workflow ran but none of its events reached @metrics/llamaindex: the workflow comes from ' +
          'another copy of @llamaindex/workflow than the one it resolves. Tool calls were read from llm-tool-* ' +
          'callbacks instead, and handoffs are not split into member runs. Fix: install one version of ' +
          '@llamaindex/workflow (package.json "overrides" / "pnpm.overrides")',
      });
    }
    if (this.current.recorder !== this.root) this.current.recorder.end();
    this.root.end(error !== undefined ? { error } : {});
  }
}

/** A tool's failure as LlamaIndex reports it (an `Error: ...` string, not the thrown object). */
export class ToolError extends Error {
  override name = 'ToolError';
  constructor(output: unknown) {
    super(typeof output === 'string' ? output.slice(0, 500) : 'the tool failed');
  }
}

/** The run of the current async context. */
export const runStorage = new AsyncLocalStorage<RunState>();
