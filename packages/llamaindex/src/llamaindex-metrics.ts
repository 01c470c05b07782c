import type { Transformer } from 'node:stream/web';
import { Settings as CoreSettings } from '@llamaindex/core/global';
import { Metrics, type MetricsOptions } from '@metrics/core';
import { createRunCallbackManager } from './callback-manager.js';
import { instrumentLLM } from './llm-wrapper.js';
import { isAsyncIterable } from './raw-fields.js';
import { RunState, SOURCE, runStorage } from './run-state.js';
import { listenToWorkflowEvents } from './workflow-events.js';

/** The `Settings` object of one `@llamaindex/core` copy (from `llamaindex` or `@llamaindex/core/global`). */
export interface SettingsLike {
  readonly callbackManager: unknown;
  withCallbackManager<R>(callbackManager: never, fn: () => R): R;
}

export interface LlamaIndexMetricsOptions extends MetricsOptions {
  /** An existing `Metrics` instance to record into (its exporters and diagnostics are used). */
  metrics?: Metrics;
  /**
   * More `Settings` objects to scope the run's callback manager on, when several copies of
   * `@llamaindex/core` are installed (e.g. `Settings` from `llamaindex`). The copy
   * `@metrics/llamaindex` resolves is always used.
   */
  settings?: readonly SettingsLike[];
  /** Default of `RunOptions.deadlineMs`. */
  deadlineMs?: number;
}

export interface RunOptions {
  /** The run's name (default: the root agent's name). */
  name?: string;
  /** The conversation this run belongs to. */
  sessionId?: string;
  /** The configured model (default: the root agent's LLM model). */
  model?: string;
  metadata?: Record<string, string>;
  /**
   * Ends and exports the record after this many ms if the run has not settled: LlamaIndex agent
   * runs never settle after a model error or an unknown tool name. The record then carries the
   * model's error (or a timeout). Your promise is left as LlamaIndex leaves it.
   */
  deadlineMs?: number;
  /** Ends and exports the record when aborted (the same way as `deadlineMs`). */
  signal?: AbortSignal;
}

interface WorkflowLike {
  runStream: (...args: unknown[]) => unknown;
  run?: (...args: unknown[]) => unknown;
  getAgents: () => Array<{
    name: string;
    llm?: unknown;
    tools?: ReadonlyArray<{ metadata?: { name?: string } }>;
  }>;
}

const INSTRUMENTED = Symbol.for('@metrics/llamaindex.workflow');
/** Runs started by `run(fn)`: agent workflows run inside them join them instead of nesting. */
const joinable = new WeakSet<RunState>();
/** The workflow whose instrumented `run()` is calling its own `runStream()` inside a run. */
const ownCall = new WeakMap<RunState, WorkflowLike>();

function isWorkflow(value: unknown): value is WorkflowLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as WorkflowLike).runStream === 'function' &&
    typeof (value as WorkflowLike).getAgents === 'function'
  );
}

function modelOf(llm: unknown): string | undefined {
  const model = (llm as { metadata?: { model?: unknown } } | undefined)?.metadata?.model;
  return typeof model === 'string' ? model : undefined;
}

/**
 * Records one invocation per agent workflow run (`instrument(workflow)`) or per call of any code
 * (`run(fn)`: chat engines, query engines, legacy agents), through a per-run callback manager
 * (`Settings.withCallbackManager`), the workflow's own events and a wrapper around the LLM.
 */
export class LlamaIndexMetrics {
  readonly metrics: Metrics;
  private readonly settings: readonly SettingsLike[];
  private readonly deadlineMs: number | undefined;
  private defaultLLMCheckedAt = Number.NEGATIVE_INFINITY;

  constructor(options: LlamaIndexMetricsOptions | Metrics = {}) {
    const opts: LlamaIndexMetricsOptions = options instanceof Metrics ? { metrics: options } : options;
    this.metrics = opts.metrics ?? new Metrics(opts);
    const settings: SettingsLike[] = [CoreSettings as unknown as SettingsLike];
    for (const extra of opts.settings ?? []) if (!settings.includes(extra)) settings.push(extra);
    this.settings = settings;
    this.deadlineMs = opts.deadlineMs;
    listenToWorkflowEvents(this.metrics.diagnostics);
  }

  /**
   * Instruments an agent workflow (`agent()`, `multiAgent()`, `new AgentWorkflow()`): each
   * `run()`/`runStream()` becomes one record. Given an LLM, wraps it so its errors are recorded.
   * Returns the same object.
   */
  instrument<T>(target: T, options: RunOptions = {}): T {
    try {
      if (isWorkflow(target)) this.instrumentWorkflow(target, options);
      else instrumentLLM(target);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, 'instrumenting failed; the target runs unmeasured');
    }
    return target;
  }

  /**
   * Runs `fn` as one invocation: every model and tool call made inside it (chat engine, query
   * engine, legacy agent, agent workflows) is recorded in one record. The result and errors of
   * `fn` are returned untouched.
   */
  async run<R>(fn: () => R | Promise<R>, options: RunOptions = {}): Promise<R> {
    let state: RunState | undefined;
    try {
      state = this.startState(options, runStorage.getStore(), 'subagent');
      joinable.add(state);
      this.instrumentDefaultLLM();
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    if (!state) return fn();
    const run = state;
    let result: R | Promise<R>;
    try {
      result = this.enter(run, fn);
    } catch (error) {
      run.finish(error);
      throw error;
    }
    let value: R;
    try {
      value = await result;
    } catch (error) {
      run.finish(error);
      throw error;
    }
    return finishWhenConsumed(value, run, (fn) => this.enter(run, fn));
  }

  flush(): Promise<void> {
    return this.metrics.flush();
  }

  shutdown(): Promise<void> {
    return this.metrics.shutdown();
  }

  private instrumentWorkflow(workflow: WorkflowLike, options: RunOptions): void {
    const marked = workflow as WorkflowLike & { [INSTRUMENTED]?: true };
    if (marked[INSTRUMENTED]) return;
    Object.defineProperty(marked, INSTRUMENTED, { value: true, configurable: true });
    for (const agent of workflow.getAgents()) instrumentLLM(agent.llm);
    const self = this;
    const originalStream = workflow.runStream;
    const runStream = function (this: WorkflowLike, ...args: unknown[]): unknown {
      const current = runStorage.getStore();
      if (current && ownCall.get(current) === this) {
        // called by the instrumented run() below, which already owns the record
        ownCall.delete(current);
        return originalStream.apply(this, args);
      }
      const state = self.beginWorkflowRun(this, options);
      if (!state) return originalStream.apply(this, args);
      let stream: unknown;
      try {
        stream = self.enter(state, () => originalStream.apply(this, args));
      } catch (error) {
        state.finish(error);
        throw error;
      }
      return observeEnd(stream, state);
    };
    Object.defineProperty(workflow, 'runStream', { value: runStream, writable: true, configurable: true });
    const originalRun = workflow.run;
    if (typeof originalRun !== 'function') return;
    // run() ends with its promise: no extra stream stage on the most common path
    const run = function (this: WorkflowLike, ...args: unknown[]): unknown {
      const state = self.beginWorkflowRun(this, options);
      if (!state) return originalRun.apply(this, args);
      ownCall.set(state, this);
      let result: unknown;
      try {
        result = self.enter(state, () => originalRun.apply(this, args));
      } catch (error) {
        state.finish(error);
        throw error;
      } finally {
        ownCall.delete(state);
      }
      return Promise.resolve(result).then(
        (value) => {
          state.finish();
          return value;
        },
        (error: unknown) => {
          state.finish(error);
          throw error;
        },
      );
    };
    Object.defineProperty(workflow, 'run', { value: run, writable: true, configurable: true });
  }

  /** Starts the record of a workflow run, or joins the `run(fn)` it is called in (then `undefined`). */
  private beginWorkflowRun(workflow: WorkflowLike, options: RunOptions): RunState | undefined {
    try {
      const agents = workflow.getAgents();
      for (const agent of agents) instrumentLLM(agent.llm);
      const rootName =
        (workflow as { rootAgentName?: unknown }).rootAgentName ??
        (agents.length === 1 ? agents[0]?.name : undefined);
      const root = typeof rootName === 'string' ? rootName : undefined;
      const parent = runStorage.getStore();
      if (parent && !parent.isEnded && joinable.has(parent)) {
        parent.addAgents(agents, root);
        return undefined;
      }
      const rootLLM = agents.find((agent) => agent.name === root)?.llm ?? agents[0]?.llm;
      const model = options.model ?? modelOf(rootLLM);
      const state = this.startState(
        { ...options, ...(root && !options.name ? { name: root } : {}), ...(model ? { model } : {}) },
        parent,
        'subagent',
      );
      state.addAgents(agents, root);
      return state;
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error, 'starting the run record failed');
      return undefined;
    }
  }

  private startState(options: RunOptions, parent: RunState | undefined, kind: 'subagent'): RunState {
    const { deadlineMs, signal, ...invocation } = options;
    if (parent && !parent.isEnded) {
      return new RunState(parent.recorder.startMemberRun({ kind, ...invocation }), this.metrics.diagnostics);
    }
    const state = new RunState(
      this.metrics.startInvocation({ providerType: 'LLAMAINDEX', ...invocation }),
      this.metrics.diagnostics,
    );
    state.setDeadline(deadlineMs ?? this.deadlineMs, signal);
    return state;
  }

  /** Runs `fn` with this run current: our async context plus a scoped callback manager per core copy. */
  private enter<R>(state: RunState, fn: () => R): R {
    let scoped = () => runStorage.run(state, fn);
    for (const settings of this.settings) {
      const inner = scoped;
      scoped = () => {
        let manager: unknown;
        try {
          manager = createRunCallbackManager(state, settings.callbackManager);
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
    const at = Date.now();
    if (at - this.defaultLLMCheckedAt < 1_000) return;
    this.defaultLLMCheckedAt = at;
    for (const settings of this.settings) {
      try {
        instrumentLLM((settings as { llm?: unknown }).llm);
      } catch {
        // Settings.llm throws when no LLM is set
      }
    }
  }
}

/**
 * A stream returned by `run(fn)` ends the run when it is consumed; any other value ends it now.
 * Each `next()` of such a stream runs inside the run, so LlamaIndex's `llm-stream` events (sent
 * from the consumer's context) still reach it.
 */
function finishWhenConsumed<R>(value: R, state: RunState, enter: <T>(fn: () => T) => T): R {
  try {
    if (typeof (value as { pipeThrough?: unknown } | undefined)?.pipeThrough === 'function') {
      return observeEnd(value, state) as R;
    }
    if (isAsyncIterable(value)) {
      const inner = value[Symbol.asyncIterator].bind(value);
      (value as { [Symbol.asyncIterator]: () => AsyncIterator<unknown> })[Symbol.asyncIterator] = () => {
        const iterator = inner();
        const settle = (step: Promise<IteratorResult<unknown>>) =>
          step.then(
            (result) => {
              if (result.done) state.finish();
              return result;
            },
            (error: unknown) => {
              state.finish(error);
              throw error;
            },
          );
        return {
          next: (...args: [] | [unknown]) => settle(enter(() => iterator.next(...args))),
          return: (result?: unknown) => {
            state.finish();
            return iterator.return
              ? enter(() => (iterator.return as (v?: unknown) => Promise<IteratorResult<unknown>>)(result))
              : Promise.resolve({ done: true as const, value: result });
          },
          throw: (error?: unknown) => {
            state.finish(error);
            return iterator.throw
              ? enter(() => (iterator.throw as (e?: unknown) => Promise<IteratorResult<unknown>>)(error))
              : Promise.reject(error);
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        };
      };
      return value;
    }
  } catch (error) {
    state.diagnostics.reportError(SOURCE, error);
  }
  state.finish();
  return value;
}

/** The run ends when the workflow's event stream ends (or is cancelled). */
function observeEnd(stream: unknown, state: RunState): unknown {
  const pipeThrough = (stream as { pipeThrough?: unknown } | undefined)?.pipeThrough;
  if (typeof pipeThrough !== 'function') {
    state.diagnostics.emit({
      type: 'llamaindex.unknown-stream',
      level: 'warn',
      source: SOURCE,
      message: 'runStream() returned no stream; the record ends at its deadline',
    });
    return stream;
  }
  try {
    return pipeThrough.call(
      stream,
      new TransformStream({
        flush: () => state.finish(),
        cancel: (reason: unknown) => state.finish(reason instanceof Error ? reason : undefined),
      } as Transformer<unknown, unknown>),
    );
  } catch (error) {
    state.diagnostics.reportError(SOURCE, error);
    return stream;
  }
}

/** Creates the LlamaIndex adapter (see `LlamaIndexMetricsOptions`). */
export function llamaindexMetrics(options: LlamaIndexMetricsOptions | Metrics = {}): LlamaIndexMetrics {
  return new LlamaIndexMetrics(options);
}
