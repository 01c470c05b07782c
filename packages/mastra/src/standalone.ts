import {
  type InvocationRecorder,
  type Metrics,
  getCurrentInvocation,
  runWithInvocation,
} from '@metrics/core';
import type { MetricsInput } from '@metrics/core/adapter';
import { AgentModels } from './agent-models.js';
import { keepMastraShapes } from './kept-shapes.js';
import { exporterRunForCurrentSpan, instrumentedMastras } from './mastra-exporter.js';
import { registerSinkResolver } from './model-observer.js';
import { SOURCE, toMetrics } from './options.js';
import {
  type AgentLike,
  type ExecutionOptions,
  StandaloneRun,
  runsByRecorder,
  settle,
} from './standalone-run.js';

const HANDLE = Symbol.for('@metrics/mastra.agent-instrumentation');

let resolverRegistered = false;

function ensureResolver(): void {
  if (resolverRegistered) return;
  resolverRegistered = true;
  keepMastraShapes();
  registerSinkResolver(
    () => {
      const invocation = getCurrentInvocation();
      if (!invocation || invocation.ended) return undefined;
      // only recorders started by an instrumented agent have a run here (the wrapper reports only into these)
      return runsByRecorder.get(invocation)?.sink;
    },
    { first: true },
  );
}

/** What `instrumentAgent` changed on an agent, and the way back. */
export interface AgentInstrumentation<T extends object = object> {
  /** The agent itself (its `generate`/`stream` and `model` are instrumented until `uninstrument()`). */
  readonly agent: T;
  /** The `Metrics` instance records go through. */
  readonly metrics: Metrics;
  /** Puts the agent's own `generate`, `stream` and `model` back; later calls are not recorded. */
  uninstrument(): void;
  /** Flushes the records not yet exported. */
  flush(options?: { timeoutMs?: number }): Promise<void>;
  /** Shuts the `Metrics` down (the agent stays instrumented until `uninstrument()`). */
  shutdown(options?: { timeoutMs?: number }): Promise<void>;
}

type Instrumented = AgentLike & { [HANDLE]?: AgentInstrumentation };

/**
 * Measures an `Agent` used without a `Mastra` instance — explicitly, and reversibly:
 * `const { uninstrument } = instrumentAgent(agent, options)`. Every `generate`/`stream` of the
 * agent becomes one record (a member run when it happens inside another measured agent's run,
 * e.g. from one of its tools). The agent's `generate`, `stream` and `model` are replaced (the
 * model to see every request, retries included) until `uninstrument()`. An agent registered on a
 * `Mastra` instance whose observability has a `MetricsExporter` is left to that exporter.
 * Instrumenting an agent twice returns the first handle.
 */
export function instrumentAgent<T extends object>(
  agent: T,
  options: MetricsInput = {},
): AgentInstrumentation<T> {
  const target = agent as unknown as Instrumented;
  const existing = target[HANDLE];
  if (existing) return existing as AgentInstrumentation<T>;
  const metrics = toMetrics(options);
  const handle: AgentInstrumentation<T> = {
    agent,
    metrics,
    uninstrument: () => undefined,
    flush: (opts) => metrics.flush(opts),
    shutdown: (opts) => metrics.shutdown(opts),
  };
  if (typeof target.generate !== 'function' || typeof target.stream !== 'function') return handle;
  ensureResolver();
  const models = new AgentModels();
  try {
    models.observe(target);
  } catch (error) {
    metrics.diagnostics.reportError(SOURCE, error, 'wrapping the agent model failed');
  }
  const restoreGenerate = replace(target, 'generate', measured(target, metrics, target.generate, 'generate'));
  const restoreStream = replace(target, 'stream', measured(target, metrics, target.stream, 'stream'));
  handle.uninstrument = () => {
    if (target[HANDLE] !== handle) return;
    restoreGenerate();
    restoreStream();
    models.restore();
    delete target[HANDLE];
  };
  Object.defineProperty(target, HANDLE, { value: handle, configurable: true });
  return handle;
}

/**
 * @deprecated Use `instrumentAgent(agent, options)`, whose handle has `uninstrument()`. Returns
 * the agent; `instrumentAgent(agent).uninstrument()` undoes this too.
 */
export function withMetrics<T extends object>(agent: T, options: MetricsInput = {}): T {
  return instrumentAgent(agent, options).agent;
}

/** Sets `target[key]` as an own property; returns how to put back what was there (own or inherited). */
function replace(target: object, key: 'generate' | 'stream', value: unknown): () => void {
  const own = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value, configurable: true, writable: true });
  return () => {
    if (own) Object.defineProperty(target, key, own);
    else delete (target as Record<string, unknown>)[key];
  };
}

type AgentCall = (...args: unknown[]) => Promise<unknown>;

/** `generate` or `stream`, measured: the run ends when `generate` returns or the stream settles. */
function measured(
  target: AgentLike,
  metrics: Metrics,
  original: AgentCall,
  method: 'generate' | 'stream',
): AgentCall {
  return async function (this: unknown, ...args: unknown[]): Promise<unknown> {
    const self = this ?? target;
    const run = start(target, metrics, args[1] as ExecutionOptions | undefined, method);
    if (!run) return original.apply(self, args);
    // the rest parameter is a fresh array of the call's own: its options are replaced in place
    args[1] = run.wrapOptions();
    let result: unknown;
    try {
      result = await runWithInvocation(run.recorder, () => original.apply(self, args));
    } catch (error) {
      await run.finish(undefined, { error });
      throw error;
    }
    if (method === 'generate') await run.finish(result);
    else settle(result, run, metrics);
    return result;
  };
}

/** Opens the run of one call: a member run inside a measured run, else a new invocation. */
function start(
  target: AgentLike,
  metrics: Metrics,
  opts: ExecutionOptions | undefined,
  method: 'generate' | 'stream',
): StandaloneRun | undefined {
  try {
    const mastra = target.getMastraInstance?.();
    if (mastra && typeof mastra === 'object' && instrumentedMastras.has(mastra)) return undefined;
    const recorder = startRecorder(metrics, target.name ?? target.id);
    const run = new StandaloneRun(recorder, target, metrics, opts, method === 'stream');
    runsByRecorder.set(recorder, run);
    return run;
  } catch (error) {
    metrics.diagnostics.reportError(SOURCE, error);
    return undefined;
  }
}

/** Starts the run's recorder; an undefined `name` is absent to the recorder (no spread needed). */
function startRecorder(metrics: Metrics, name: string | undefined): InvocationRecorder {
  const current = getCurrentInvocation();
  // a recorder is ours when it has a run (start() sets it): no second weak set to add each run to
  // (a WeakSet add per run, ~1.4 k instructions)
  const parentRun = current && !current.ended ? runsByRecorder.get(current) : undefined;
  const parent = parentRun ? current : undefined;
  if (parent) {
    const kind = parentRun?.hasOpenTool ? 'tool-agent' : 'subagent';
    return parent.startMemberRun({ kind, name });
  }
  // Called from inside a run that a MetricsExporter records (e.g. from one of its tools)?
  const exporterRun = exporterRunForCurrentSpan();
  if (exporterRun)
    return exporterRun.recorder.startMemberRun({
      kind: exporterRun.inTool ? 'tool-agent' : 'subagent',
      name,
    });
  return metrics.startInvocation({ providerType: 'MASTRA', name });
}
