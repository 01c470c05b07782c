import {
  fromOpenAIAgentsUsage,
  type InvocationRecord,
  type InvocationRecorder,
  type Metrics,
  runWithInvocation,
} from '@metrics/core';
import {
  adapterOptions,
  keepShapes,
  type MetricsInput,
  OpenRuns,
  type OpenRunsOptions,
  toMetrics,
} from '@metrics/core/adapter';
import type { Agent, Runner } from '@openai/agents';
import { isTripwireError, recordGuardrailTrips } from './guardrails.js';
import { listenToRunner, modelNameOf } from './runner-hooks.js';
import { createRunState, currentRunState, type RunState } from './run-state.js';
import { runStateTemplate } from './run-state-template.js';
import { meterReachableModels, Swaps } from './swaps.js';
import { closeOpenTools } from './tool-events.js';

const SOURCE = '@metrics/openai-agents';
const PROVIDER_TYPE = 'OPENAI_AGENTS_SDK';

/** `instrumentRunner`'s first argument: a `Metrics`, or its options (`metrics` to share one) with the open-run bounds. */
export type OpenAIAgentsMetricsOptions = Exclude<MetricsInput, Metrics> & OpenRunsOptions;

type DeliveryOptions = Parameters<Metrics['flush']>[0];

/** What `instrumentRunner` returns: the `Metrics` it records into, its delivery controls, and the way back. */
export interface RunnerInstrumentation {
  readonly metrics: Metrics;
  /** Resolves when every exporter delivered what it has. */
  flush(options?: DeliveryOptions): Promise<void>;
  /** Finishes the runs still open (as they stand), then shuts the exporters down. */
  shutdown(options?: DeliveryOptions): Promise<void>;
  /**
   * Puts back everything `instrumentRunner` changed: the runner's `run` and its listeners, its
   * run-config model and model provider, and the agents' models it replaced with metered proxies
   * (each only if nothing replaced it since). Runs already in flight keep their record.
   */
  uninstrument(): void;
}

const instrumented = new WeakMap<object, RunnerInstrumentation>();

type AnyAgent = Agent<any, any>;
type RunFn = (agent: AnyAgent, input: unknown, options?: Record<string, unknown>) => Promise<unknown>;

/** Ends a run: tools still open fail, guardrail trips from the run state, the record, the usage check. */
export function finishRun(state: RunState, result: unknown, error?: unknown): void {
  try {
    if (state.key === state.recorder && !state.runs.delete(state.key)) {
      state.runs.get(state.key); // evicted already: its end is a late event, dropped and counted
      return;
    }
    const runState =
      (result as { state?: unknown } | undefined)?.state ?? (error as { state?: unknown } | undefined)?.state;
    closeOpenTools(state);
    recordGuardrailTrips(state.recorder, state.current, runState, error);
    const record =
      error !== undefined
        ? state.recorder.end({ error, countError: !isTripwireError(error) })
        : state.recorder.end();
    checkUsage(state, record, runState);
  } catch (fault) {
    state.diagnostics.reportError(SOURCE, fault);
  }
}

/** Runs `run` in the run's context and finishes the state when the result (or a stream's `completed`) settles. */
function meter(state: RunState, run: () => Promise<unknown>, streamed: boolean): Promise<unknown> {
  return runWithInvocation(state.recorder, () => {
    let pending: Promise<unknown>;
    try {
      pending = run();
    } catch (error) {
      finishRun(state, undefined, error);
      throw error;
    }
    return pending.then(
      (result) => {
        const completed = streamed ? (result as { completed?: unknown }).completed : undefined;
        if (completed instanceof Promise)
          completed.then(
            () => finishRun(state, result),
            (error: unknown) => finishRun(state, result, error),
          );
        else finishRun(state, result);
        return result;
      },
      (error: unknown) => {
        finishRun(state, undefined, error);
        throw error;
      },
    );
  });
}

interface Instrumented {
  metrics: Metrics;
  runs: OpenRuns<InvocationRecorder, RunState>;
  runner: Runner;
  swaps: Swaps;
}

/** Opens a run's record: the top-level invocation, or a member run of the run it is nested in. */
function startRun(
  { metrics, runs, runner, swaps }: Instrumented,
  agent: AnyAgent,
  options: Record<string, unknown> | undefined,
): RunState | undefined {
  try {
    meterReachableModels(agent, runner, swaps);
    const parent = currentRunState();
    // the recorder reads an `undefined` field as absent: one literal, no spread objects
    const name = typeof agent?.name === 'string' ? agent.name : undefined;
    const model = modelNameOf(agent, runner);
    if (parent) {
      const member = parent.current.startMemberRun({ kind: 'subagent', name, model });
      return createRunState(member, metrics.diagnostics, runs, parent);
    }
    const sessionId = options?.conversationId ?? runner.config.groupId;
    const recorder = metrics.startInvocation({
      providerType: PROVIDER_TYPE,
      name,
      model,
      sessionId: typeof sessionId === 'string' ? sessionId : undefined,
    });
    return createRunState(recorder, metrics.diagnostics, runs, undefined);
  } catch (error) {
    metrics.diagnostics.reportError(SOURCE, error);
    return undefined;
  }
}

/**
 * Instruments a `Runner`: every `runner.run()` (streamed or not) becomes one invocation record
 * of provider type `OPENAI_AGENTS_SDK`, with handoffs as member runs. It replaces the runner's
 * `run`, its model provider and the reachable agents' `Model` instances with metered proxies;
 * `uninstrument()` on the returned handle puts them back. Calling it twice on one runner returns
 * the first instrumentation.
 */
export function instrumentRunner(
  runner: Runner,
  options: OpenAIAgentsMetricsOptions | Metrics = {},
): RunnerInstrumentation {
  const existing = instrumented.get(runner);
  if (existing) return existing;
  const metrics = toMetrics(options);
  keepShapes(runStateTemplate);
  const { diagnostics } = metrics;
  const runs = new OpenRuns<InvocationRecorder, RunState>(
    (state) => state.recorder.end(),
    diagnostics,
    SOURCE,
    adapterOptions<OpenRunsOptions>(options),
  );
  const swaps = new Swaps();
  const stopListening = listenToRunner(runner, diagnostics);
  const originalRun = runner.run as unknown as RunFn;

  const parts: Instrumented = { metrics, runs, runner, swaps };
  const meteredRun: RunFn = function run(agent, input, options) {
    const state = startRun(parts, agent, options);
    const call = () => originalRun.call(runner, agent, input, options);
    return state ? meter(state, call, options?.stream === true) : call();
  };
  swaps.set(runner, 'run', meteredRun);

  const instrumentation: RunnerInstrumentation = {
    metrics,
    flush: (delivery) => metrics.flush(delivery),
    shutdown: (delivery) => {
      runs.finishAll();
      return metrics.shutdown(delivery);
    },
    uninstrument: () => {
      if (instrumented.get(runner) !== instrumentation) return;
      instrumented.delete(runner);
      stopListening();
      swaps.restore();
    },
  };
  instrumented.set(runner, instrumentation);
  return instrumentation;
}

/** Compares the model calls' usage with the run's own `Usage` (same SDK numbers, summed by the SDK). */
function checkUsage(state: RunState, record: InvocationRecord | undefined, runState: unknown): void {
  if (!record || record.parentRunId !== undefined) return;
  const raw = (runState as { usage?: unknown } | undefined)?.usage ?? state.context?.usage;
  const recorded = record.summary.usage;
  // the usual case, counts the SDK's `Usage` holds as they were recorded, needs no mapping: the
  // mapper keeps a valid count as it is, and a recorded count is a valid one
  const counts = raw as { inputTokens?: unknown; outputTokens?: unknown } | null | undefined;
  if (counts?.inputTokens === recorded?.inputTokens && counts?.outputTokens === recorded?.outputTokens)
    return;
  const reported = fromOpenAIAgentsUsage(raw);
  if (!reported || (reported.inputTokens ?? 0) === 0) return;
  if (reported.inputTokens !== recorded?.inputTokens || reported.outputTokens !== recorded?.outputTokens) {
    state.diagnostics.emit({
      type: 'usage.mismatch',
      level: 'info',
      source: SOURCE,
      message: `run ${record.runId}: the SDK's run usage (${reported.inputTokens}/${reported.outputTokens} tokens) differs from its metered model calls (${recorded?.inputTokens ?? 0}/${recorded?.outputTokens ?? 0}): a model outside the runner's reach (e.g. an agent used as a tool) was not metered`,
    });
  }
}
