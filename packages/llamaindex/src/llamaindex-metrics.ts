import { CallbackManager, Settings as CoreSettings } from '@llamaindex/core/global';
import { type Metrics, now } from '@metrics/core';
import {
  type Below,
  type CallbackManagerLike,
  METRICS_MANAGER,
  belowOf,
  forward,
  forwardTarget,
  RunCallbackManager,
  isMetricsManager,
} from './callback-manager.js';
import { Instrumentations } from './instrumentations.js';
import { keepAdapterShapes } from './kept-shapes.js';
import { wrapLLM } from './llm-wrapper.js';
import {
  type MetricsCallbackManagerOptions,
  type RunOptions,
  type SettingsLike,
  normalizeOptions,
} from './options.js';
import { RunRegistry } from './run-registry.js';
import { currentRun } from './current-run.js';
import { type AgentLike, RunState, runStorage } from './run-state.js';
import { SOURCE } from './source.js';
import { isObject } from './raw-fields.js';
import { finishWhenConsumed } from './stream-end.js';
import { listenToWorkflowEvents } from './workflow-events.js';
import { type WorkflowLike, instrumentWorkflow, isWorkflow } from './workflow-instrumentation.js';
import { addWorkflowRunSource, runKeyOf, workflowContext } from './workflow-runs.js';

/** Runs started by `run(fn)`: agent workflows run inside them join them instead of nesting. */
const joinable = new WeakSet<RunState>();

function modelOf(llm: unknown): string | undefined {
  const model = (llm as { metadata?: { model?: unknown } } | undefined)?.metadata?.model;
  return typeof model === 'string' ? model : undefined;
}

/**
 * LlamaIndex's own registration slot, `Settings.callbackManager`: every agent workflow run
 * (`agent()`, `multiAgent()`) becomes one record, read from the `llm-*` events and the workflow's
 * events, with nothing of yours replaced. `instrument(workflowOrLLM)` / `run(fn)` add what events
 * cannot show (model errors, per-run options, chat and query engines); `uninstrument()` undoes them.
 */
export class MetricsCallbackManager extends CallbackManager implements CallbackManagerLike {
  readonly [METRICS_MANAGER] = true;
  readonly metrics: Metrics;
  private readonly settings: readonly SettingsLike[];
  private readonly runs: RunRegistry;
  private readonly changes = new Instrumentations();
  private readonly target: CallbackManagerLike | undefined;
  private readonly below: Below;
  private readonly removeSource: () => void;
  private defaultLLMCheckedAt = Number.NEGATIVE_INFINITY;
  /**
   * The step handler context of the last event and its open run: the events of one step find
   * their run without a key and a registry lookup each (cleared when that run ends).
   */
  private lastContext: object | undefined;
  private lastRun: RunState | undefined;

  constructor(options: MetricsCallbackManagerOptions | Metrics = {}) {
    super();
    const normalized = normalizeOptions(options);
    this.metrics = normalized.metrics;
    const settings: SettingsLike[] = [CoreSettings as unknown as SettingsLike];
    for (const extra of normalized.extraSettings) if (!settings.includes(extra)) settings.push(extra);
    this.settings = settings;
    this.runs = new RunRegistry(this.metrics.diagnostics, normalized.openRuns, (state) => {
      if (state === this.lastRun) this.lastContext = this.lastRun = undefined;
    });
    this.target = forwardTarget(
      normalized.forwardToGiven ? normalized.forwardTo : CoreSettings.callbackManager,
    );
    this.below = belowOf(this.target);
    listenToWorkflowEvents(this.metrics.diagnostics);
    this.removeSource = addWorkflowRunSource(this);
    keepAdapterShapes();
  }

  // ---- the callback manager slot ----

  override on(event: string, handler: (event: never) => void): this {
    this.target?.on(event, handler as (event: unknown) => void);
    return this;
  }

  override off(event: string, handler: (event: never) => void): this {
    this.target?.off(event, handler as (event: unknown) => void);
    return this;
  }

  override dispatchEvent(event: string, detail: unknown, sync?: boolean): void {
    // this manager is Settings' own here: a run is current through runStorage, if at all
    const ref = runStorage.getStore();
    if (ref !== undefined && ref.state === undefined) ref.seen?.();
    const state = ref === undefined ? this.workflowRun(event === 'llm-start') : ref.state;
    try {
      state?.handleEvent(event, detail);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, `handling the ${event} event failed`);
    }
    this.forwardEvent(event, detail, sync);
  }

  /** Passes an event on to the callback manager below, unhandled (it was handled already). */
  forwardEvent(event: string, detail: unknown, sync?: boolean): void {
    forward(this.below, event, detail, sync);
  }

  /** The run of the current workflow run, when this manager is installed (opened on its first event). */
  workflowRun(open: boolean): RunState | undefined {
    const context = workflowContext();
    if (context === undefined) return undefined;
    if (context === this.lastContext) return this.lastRun;
    const key = runKeyOf(context);
    // the run's own events mark it as seen
    const state = this.runs.peek(key) ?? this.openWorkflowRun(key, open);
    if (state !== undefined && !state.isEnded) {
      this.lastContext = context;
      this.lastRun = state;
    }
    return state;
  }

  private openWorkflowRun(key: object, open: boolean): RunState | undefined {
    // a late event of an evicted run is counted
    if (!open || this.runs.wasEvicted(key)) return this.runs.get(key);
    if (!this.isInstalled()) return undefined;
    const opened = new RunState(
      this.metrics.startInvocation({ providerType: 'LLAMAINDEX' }),
      this.metrics.diagnostics,
    );
    this.runs.open(key, opened);
    return opened;
  }

  /** Whether this manager is the callback manager of a `Settings` here (not a stale reference). */
  private isInstalled(): boolean {
    for (const settings of this.settings) if (settings.callbackManager === this) return true;
    return false;
  }

  workflowRunEnded(key: object): void {
    this.runs.get(key)?.finish();
  }

  // ---- explicit instrumentation ----

  /**
   * Instruments an agent workflow (`agent()`, `multiAgent()`, `new AgentWorkflow()`): each
   * `run()`/`runStream()` becomes one record with `options`, model errors included. Given an LLM,
   * wraps its `chat`. Returns the same object; `uninstrument()` puts it back.
   */
  instrument<T>(target: T, options: RunOptions = {}): T {
    try {
      if (isWorkflow(target)) {
        this.instrumentAgents(target);
        this.changes.add(target, instrumentWorkflow(target, options, this.workflowHooks));
      } else if (typeof target === 'object' && target !== null) this.changes.add(target, wrapLLM(target));
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, 'instrumenting failed; the target runs unmeasured');
    }
    return target;
  }

  /** Puts back everything `instrument()` and `run()` replaced (workflows' methods, LLMs' `chat`). */
  uninstrument(): void {
    this.changes.restoreAll();
  }

  /**
   * Runs `fn` as one invocation: every model and tool call made inside it (chat engine, query
   * engine, legacy agent, agent workflows) is recorded in one record. `Settings.llm` is
   * instrumented (undone by `uninstrument()`). The result and errors of `fn` are returned untouched.
   */
  async run<R>(fn: () => R | Promise<R>, options: RunOptions = {}): Promise<R> {
    let state: RunState | undefined;
    try {
      state = this.startState(options, currentRun() ?? undefined);
      joinable.add(state);
      this.instrumentDefaultLLM();
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    if (!state) return fn();
    const run = state;
    let value: R;
    try {
      value = await this.enter(run, fn);
    } catch (error) {
      run.finish(error);
      throw error;
    }
    return finishWhenConsumed(value, run, (inner) => this.enter(run, inner));
  }

  flush(): Promise<void> {
    return this.metrics.flush();
  }

  /** Finishes the runs still open as they stand, delivers every record, stops listening. */
  shutdown(): Promise<void> {
    this.runs.finishAll();
    this.removeSource();
    return this.metrics.shutdown();
  }

  private readonly workflowHooks = {
    begin: (workflow: WorkflowLike, options: RunOptions) => this.beginWorkflowRun(workflow, options),
    enter: <R>(state: RunState, fn: () => R) => this.enter(state, fn),
  };

  private instrumentAgents(workflow: WorkflowLike): AgentLike[] {
    const agents = workflow.getAgents();
    for (const agent of agents) if (isObject(agent.llm)) this.changes.add(agent.llm, wrapLLM(agent.llm));
    return agents;
  }

  /** Starts the record of a workflow run, or joins the `run(fn)` it is called in (then `undefined`). */
  private beginWorkflowRun(workflow: WorkflowLike, options: RunOptions): RunState | undefined {
    try {
      const agents = this.instrumentAgents(workflow);
      const rootName =
        (workflow as { rootAgentName?: unknown }).rootAgentName ??
        (agents.length === 1 ? agents[0]?.name : undefined);
      const root = typeof rootName === 'string' ? rootName : undefined;
      const parent = currentRun() ?? undefined;
      if (parent && !parent.isEnded && joinable.has(parent)) {
        parent.addAgents(agents, root);
        return undefined;
      }
      const rootLLM = agents.find((agent) => agent.name === root)?.llm ?? agents[0]?.llm;
      const model = options.model ?? modelOf(rootLLM);
      const state = this.startState(
        options,
        parent,
        root && !options.name ? root : undefined,
        model || undefined,
      );
      state.addAgents(agents, root);
      return state;
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, 'starting the run record failed');
      return undefined;
    }
  }

  /** Starts a run's record: `options` with the root agent's name and model when given (one copy of them per run). */
  private startState(
    options: RunOptions,
    parent: RunState | undefined,
    name?: string,
    model?: string,
  ): RunState {
    const { deadlineMs, signal, ...invocation } = options;
    if (name !== undefined) invocation.name = name;
    if (model !== undefined) invocation.model = model;
    if (parent && !parent.isEnded) {
      return new RunState(
        parent.recorder.startMemberRun({ kind: 'subagent', ...invocation }),
        this.metrics.diagnostics,
      );
    }
    const state = new RunState(
      this.metrics.startInvocation({ providerType: 'LLAMAINDEX', ...invocation }),
      this.metrics.diagnostics,
    );
    this.runs.open(state.ref, state);
    state.setDeadline(deadlineMs, signal);
    return state;
  }

  /**
   * Runs `fn` with this run current: its callback manager in each core copy's `Settings`, or, where
   * an installed MetricsCallbackManager already sees that copy's events synchronously, our async
   * context (one entry in the framework's context frames either way).
   */
  private enter<R>(state: RunState, fn: () => R): R {
    let scoped = fn;
    for (const settings of this.settings) {
      const inner = scoped;
      scoped = () => {
        const outer = settings.callbackManager;
        // an installed MetricsCallbackManager already sees this copy's events synchronously; the
        // run is then found through our async context (read by `currentRun`, which knows one copy)
        if (isMetricsManager(outer))
          return settings === CoreSettings ? runStorage.run(state.ref, inner) : inner();
        let manager: RunCallbackManager;
        try {
          manager = new RunCallbackManager(state.ref, outer);
        } catch (error) {
          state.diagnostics.reportError(SOURCE, error);
          return inner();
        }
        return settings.withCallbackManager(manager as never, inner);
      };
    }
    return scoped();
  }

  private instrumentDefaultLLM(): void {
    // reading Settings.llm throws (an Error with a stack) while none is set: look at most once a second
    const at = now();
    if (at - this.defaultLLMCheckedAt < 1_000) return;
    this.defaultLLMCheckedAt = at;
    for (const settings of this.settings) {
      try {
        const llm = (settings as { llm?: unknown }).llm;
        if (isObject(llm)) this.changes.add(llm, wrapLLM(llm));
      } catch {
        // Settings.llm throws when no LLM is set
      }
    }
  }
}

/** @deprecated Use `MetricsCallbackManager` (the same class, named after LlamaIndex's slot). */
export const LlamaIndexMetrics = MetricsCallbackManager;
/** @deprecated Use `MetricsCallbackManager`. */
export type LlamaIndexMetrics = MetricsCallbackManager;

/** @deprecated Use `new MetricsCallbackManager(options)`. */
export function llamaindexMetrics(
  options: MetricsCallbackManagerOptions | Metrics = {},
): MetricsCallbackManager {
  return new MetricsCallbackManager(options);
}
