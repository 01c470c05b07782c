import { AsyncLocalStorage } from 'node:async_hooks';
import type { Diagnostics, InvocationRecorder } from '@metrics/core';
import { type LlamaIndexUsage, ModelCalls, type OpenModelCall } from './model-calls.js';
import { isObject } from './raw-fields.js';
import { ToolCalls } from './tool-calls.js';

export { SOURCE } from './source.js';
export { ToolError } from './tool-calls.js';
export type { OpenModelCall } from './model-calls.js';

export interface AgentLike {
  name: string;
  llm?: unknown;
  tools?: ReadonlyArray<{ metadata?: { name?: string } }>;
}

/** Most agents remembered per run (their tools type the run's tool calls). */
const MAX_AGENTS = 1_000;

/**
 * The instrumentation of one invocation (or a nested workflow run inside one): which agent is
 * current (handoffs are member runs), its model calls and tool calls, and how it ends.
 */
export class RunState {
  /** The agent whose calls are being recorded (root recorder or a member run). */
  private current: { name: string | undefined; recorder: InvocationRecorder };
  private rootAgentName: string | undefined;
  private readonly agents = new Map<string, AgentLike>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private detachSignal: (() => void) | undefined;
  private ended = false;
  readonly models: ModelCalls;
  readonly tools: ToolCalls;
  warnedNoEvents = false;
  /**
   * The workflow whose instrumented `run()` is calling its own `runStream()` in this run (that call
   * joins the run): a field of the run, not a WeakMap entry per run.
   */
  callingRunStream: object | undefined = undefined;
  /** Called once when the run ends (the open-runs registry forgets it). */
  onEnd: (() => void) | undefined;
  /** Called on every event of the run, ended or not (the open-runs registry marks it as seen). */
  seen: (() => void) | undefined;
  /** What the async context of the run holds (`runStorage`): cleared when the run ends. */
  readonly ref: RunRef = { state: this, seen: undefined };

  constructor(
    readonly root: InvocationRecorder,
    readonly diagnostics: Diagnostics,
  ) {
    this.current = { name: undefined, recorder: root };
    this.models = new ModelCalls(() => this.current.recorder, diagnostics);
    this.tools = new ToolCalls(this);
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get recorder(): InvocationRecorder {
    return this.current.recorder;
  }

  addAgents(agents: Iterable<AgentLike>, rootAgentName?: string): void {
    for (const agent of agents) if (this.agents.size < MAX_AGENTS) this.agents.set(agent.name, agent);
    if (rootAgentName !== undefined && this.rootAgentName === undefined) {
      this.rootAgentName = rootAgentName;
      this.current = { name: rootAgentName, recorder: this.root };
    }
  }

  /** Ends the record when `ms` passes (or `signal` aborts) before the run settles. */
  setDeadline(ms: number | undefined, signal: AbortSignal | undefined): void {
    if (ms !== undefined && Number.isFinite(ms) && ms >= 0) {
      this.timer = setTimeout(
        () => this.giveUp('TimeoutError', `the run did not settle within ${ms} ms`),
        ms,
      );
      this.timer.unref?.();
    }
    if (!signal) return;
    if (signal.aborted) {
      this.giveUp('AbortError', 'the run was aborted', signal.reason);
      return;
    }
    const onAbort = () => this.giveUp('AbortError', 'the run was aborted', signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    this.detachSignal = () => signal.removeEventListener('abort', onAbort);
  }

  /** Ends a run that never settled: with the model error seen last, the abort reason, or a timeout. */
  giveUp(name: string, message: string, reason?: unknown): void {
    if (this.ended) return;
    let error = this.models.lastError ?? reason;
    if (error === undefined) {
      error = new Error(message);
      (error as Error).name = name;
    }
    this.finish(error);
  }

  /** A callback manager event, dispatched synchronously to this run. */
  handleEvent(type: string, detail: unknown): void {
    this.seen?.();
    if (this.ended || !isObject(detail)) return;
    switch (type) {
      case 'llm-start':
        this.tools.closeCallbackCalls();
        this.models.start(String(detail.id));
        break;
      case 'llm-stream':
        this.models.stream(String(detail.id), detail.chunk);
        break;
      case 'llm-end':
        this.models.end(String(detail.id), detail.response);
        break;
      case 'llm-tool-call':
        this.tools.callbackCall(detail.toolCall);
        break;
      case 'llm-tool-result':
        this.tools.callbackResult(detail.toolCall, detail.toolResult);
        break;
    }
  }

  endModelCall(entry: OpenModelCall, usage: LlamaIndexUsage, model?: string): void {
    this.models.endCall(entry, usage, model);
  }

  failModelCall(entry: OpenModelCall, error: unknown): void {
    this.models.fail(entry, error);
  }

  /**
   * The agent stopped reading a model answer early: in `@llamaindex/workflow` that is an answer
   * naming a tool the agent does not have ("Tools not found"), which never runs. Each such tool
   * is recorded as a failed tool call.
   */
  stoppedReading(entry: OpenModelCall): void {
    entry.stoppedEarly = true;
    if (this.ended || !entry.toolNames || this.agents.size === 0) return;
    this.tools.recordUnknown(entry.toolNames);
  }

  // ---- @llamaindex/workflow events (created synchronously inside this run) ----

  agentInput(agentName: unknown): void {
    this.seen?.();
    if (this.ended || typeof agentName !== 'string') return;
    this.tools.workflowEvents = true;
    if (this.rootAgentName === undefined) this.rootAgentName = agentName;
    if (this.current.name === agentName) return;
    if (this.current.recorder !== this.root) this.current.recorder.end();
    if (agentName === this.rootAgentName) {
      this.current = { name: agentName, recorder: this.root };
      return;
    }
    const llm = this.agents.get(agentName)?.llm as { metadata?: { model?: unknown } } | undefined;
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
    this.seen?.();
    if (!this.ended) this.tools.workflowCall(data, this.agents.size);
  }

  workflowToolResult(data: unknown): void {
    this.seen?.();
    if (!this.ended) this.tools.workflowResult(data);
  }

  findTool(agentName: string | undefined, toolName: string): object | undefined {
    const search = agentName !== undefined ? [this.agents.get(agentName)] : this.agents.values();
    for (const agent of search) {
      const tool = agent?.tools?.find((t) => t?.metadata?.name === toolName);
      if (tool) return tool;
    }
    return undefined;
  }

  /** Ends the record (once): with the run's error, or successfully. */
  finish(error?: unknown): void {
    if (this.ended) return;
    this.ended = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.detachSignal?.();
    this.tools.close();
    this.models.close(error);
    if (this.agents.size > 0 && this.models.starts > 0 && !this.tools.workflowEvents)
      warnNoWorkflowEvents(this);
    if (this.current.recorder !== this.root) this.current.recorder.end();
    this.root.end(error !== undefined ? { error } : {});
    this.ref.seen = this.seen;
    this.ref.state = undefined;
    this.onEnd?.();
  }
}

function warnNoWorkflowEvents(state: RunState): void {
  state.diagnostics.emit({
    type: 'llamaindex.workflow-events-not-received',
    level: 'warn',
    source: '@metrics/llamaindex',
    message:
      'an agent workflow ran but none of its events reached @metrics/llamaindex: the workflow comes from ' +
      'another copy of @llamaindex/workflow than the one it resolves. Tool calls were read from llm-tool-* ' +
      'callbacks instead, and handoffs are not split into member runs. Fix: install one version of ' +
      '@llamaindex/workflow (package.json "overrides" / "pnpm.overrides")',
  });
}

/**
 * What the async context of a run holds. The framework's promises and streams capture the context
 * and outlive the run until a full collection (promoted with the framework's own garbage): the
 * context holds this small object, whose `state` is cleared when the run ends, so they do not keep
 * the run's state, recorder and record alive. An ended run's events only mark it as seen.
 */
export interface RunRef {
  state: RunState | undefined;
  /** Once the run ended: marks it as seen (a late event of an evicted run is counted). */
  seen: (() => void) | undefined;
}

/** The run of the current async context. */
export const runStorage = new AsyncLocalStorage<RunRef>();
