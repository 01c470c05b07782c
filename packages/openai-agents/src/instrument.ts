import {
  createMetrics,
  fromOpenAIAgentsUsage,
  guard,
  type InvocationRecord,
  type InvocationRecorder,
  Metrics,
  type MetricsOptions,
  runWithInvocation,
} from '@metrics/core';
import type { Agent, Runner } from '@openai/agents';
import { isTripwireError, recordGuardrailTrips } from './guardrails.js';
import { isModel, meterModel, meterModelProvider } from './metered-model.js';
import { createRunState, currentRunState, type RunState } from './run-state.js';
import { closeOpenTools, onToolEnd, onToolStart } from './tool-events.js';

const SOURCE = '@metrics/openai-agents';
const PROVIDER_TYPE = 'OPENAI_AGENTS_SDK';
/** The most agents one run's graph walk visits (handoff cycles are followed once). */
const MAX_AGENTS = 1_000;

export interface OpenAIAgentsMetricsOptions extends MetricsOptions {
  /** Record into an existing `Metrics` instance instead of creating one from these options. */
  metrics?: Metrics;
}

/** What `instrumentRunner` returns: the `Metrics` it records into, with its delivery controls. */
export interface RunnerInstrumentation {
  readonly metrics: Metrics;
  /** Resolves when every exporter delivered what it has. */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

const instrumented = new WeakMap<object, RunnerInstrumentation>();

type AnyAgent = Agent<any, any>;
type RunFn = (agent: AnyAgent, input: unknown, options?: Record<string, unknown>) => Promise<unknown>;

function modelNameOf(agent: AnyAgent, runner: Runner): string | undefined {
  const candidates = [agent?.model, runner.config.model];
  for (const model of candidates) if (typeof model === 'string' && model.length > 0) return model;
  return undefined;
}

/**
 * Puts a metered proxy in place of every `Model` instance the run can reach: the starting agent,
 * its handoff targets (recursively) and the run-config model. String model names are metered by
 * the wrapping `ModelProvider` instead.
 */
function meterReachableModels(start: AnyAgent, runner: Runner): void {
  const config = runner.config as { model?: unknown; modelProvider?: unknown };
  if (isModel(config.model)) config.model = meterModel(config.model);
  if (config.modelProvider && typeof config.modelProvider === 'object')
    config.modelProvider = meterModelProvider(
      config.modelProvider as Parameters<typeof meterModelProvider>[0],
    );
  const seen = new Set<object>();
  const queue: unknown[] = [start];
  while (queue.length > 0 && seen.size < MAX_AGENTS) {
    const agent = queue.pop() as AnyAgent | undefined;
    if (typeof agent !== 'object' || agent === null || seen.has(agent)) continue;
    seen.add(agent);
    if (isModel(agent.model)) agent.model = meterModel(agent.model);
    if (Array.isArray(agent.handoffs))
      for (const handoff of agent.handoffs) queue.push((handoff as { agent?: unknown }).agent ?? handoff);
  }
}

/**
 * Instruments a `Runner`: every `runner.run()` (streamed or not) becomes one invocation record
 * of provider type `OPENAI_AGENTS_SDK`, with handoffs as member runs. Returns the `Metrics`
 * instance and its `flush()`/`shutdown()`. Calling it twice on one runner returns the first
 * instrumentation.
 */
export function instrumentRunner(
  runner: Runner,
  options: OpenAIAgentsMetricsOptions | Metrics = {},
): RunnerInstrumentation {
  const existing = instrumented.get(runner);
  if (existing) return existing;
  const metrics =
    options instanceof Metrics
      ? options
      : (options.metrics ?? createMetrics({ providerType: PROVIDER_TYPE, ...options }));
  const { diagnostics } = metrics;
  const instrumentation: RunnerInstrumentation = {
    metrics,
    flush: () => metrics.flush(),
    shutdown: () => metrics.shutdown(),
  };
  instrumented.set(runner, instrumentation);

  const hook =
    <A extends unknown[]>(fn: (state: RunState, ...args: A) => void) =>
    (...args: A) => {
      const state = currentRunState();
      if (state) guard(diagnostics, SOURCE, () => fn(state, ...args));
    };
  runner.on(
    'agent_start',
    hook((state, context: unknown) => {
      state.context ??= context as RunState['context'];
    }),
  );
  runner.on(
    'agent_handoff',
    hook((state, _context: unknown, _from: unknown, to: unknown) => {
      if (state.current !== state.recorder) state.current.end();
      const target = to as AnyAgent;
      const model = modelNameOf(target, runner);
      state.current = state.recorder.startMemberRun({
        kind: 'handoff',
        ...(typeof target?.name === 'string' ? { name: target.name } : {}),
        ...(model !== undefined ? { model } : {}),
      });
    }),
  );
  runner.on(
    'agent_tool_start',
    hook((state, _context: unknown, _agent: unknown, tool: unknown, details: unknown) =>
      onToolStart(state, tool as { name?: unknown }, details),
    ),
  );
  runner.on(
    'agent_tool_end',
    hook((state, _context: unknown, agent: unknown, tool: unknown, output: unknown, details: unknown) =>
      onToolEnd(state, agent, tool as { name?: unknown }, output, details),
    ),
  );

  const originalRun = runner.run as unknown as RunFn;
  const start = (agent: AnyAgent, options: Record<string, unknown> | undefined): RunState | undefined =>
    guard(diagnostics, SOURCE, () => {
      meterReachableModels(agent, runner);
      const parent = currentRunState();
      const name = typeof agent?.name === 'string' ? agent.name : undefined;
      const model = modelNameOf(agent, runner);
      const sessionId = options?.conversationId ?? runner.config.groupId;
      const invocation = {
        ...(name !== undefined ? { name } : {}),
        ...(model !== undefined ? { model } : {}),
      };
      const recorder: InvocationRecorder = parent
        ? parent.current.startMemberRun({ kind: 'subagent', ...invocation })
        : metrics.startInvocation({
            providerType: PROVIDER_TYPE,
            ...invocation,
            ...(typeof sessionId === 'string' ? { sessionId } : {}),
          });
      return createRunState(recorder, diagnostics);
    });

  const finish = (state: RunState, result: unknown, error?: unknown): void => {
    guard(diagnostics, SOURCE, () => {
      const failed = error !== undefined;
      const runState =
        (result as { state?: unknown } | undefined)?.state ??
        (error as { state?: unknown } | undefined)?.state;
      closeOpenTools(state);
      recordGuardrailTrips(state.recorder, state.current, runState, error);
      const record = failed
        ? state.recorder.end({ error, countError: !isTripwireError(error) })
        : state.recorder.end();
      checkUsage(state, record, runState);
    });
  };

  const meteredRun: RunFn = function run(agent, input, options) {
    const state = start(agent, options);
    if (!state) return originalRun.call(runner, agent, input, options);
    return runWithInvocation(state.recorder, () => {
      let pending: Promise<unknown>;
      try {
        pending = originalRun.call(runner, agent, input, options);
      } catch (error) {
        finish(state, undefined, error);
        throw error;
      }
      return pending.then(
        (result) => {
          const completed = options?.stream ? (result as { completed?: unknown }).completed : undefined;
          if (completed instanceof Promise)
            completed.then(
              () => finish(state, result),
              (error: unknown) => finish(state, result, error),
            );
          else finish(state, result);
          return result;
        },
        (error: unknown) => {
          finish(state, undefined, error);
          throw error;
        },
      );
    });
  };
  Object.defineProperty(runner, 'run', { value: meteredRun, configurable: true, writable: true });
  return instrumentation;
}

/** Compares the model calls' usage with the run's own `Usage` (same SDK numbers, summed by the SDK). */
function checkUsage(state: RunState, record: InvocationRecord | undefined, runState: unknown): void {
  if (!record || record.parentRunId !== undefined) return;
  const reported = fromOpenAIAgentsUsage(
    (runState as { usage?: unknown } | undefined)?.usage ?? state.context?.usage,
  );
  const recorded = record.summary.usage;
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
