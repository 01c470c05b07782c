import type { Metrics } from '@metrics/core';
import { type RunConfig, Runner, type run } from '@openai/agents';
import {
  instrumentRunner,
  type OpenAIAgentsMetricsOptions,
  type RunnerInstrumentation,
} from './instrument.js';

/** A drop-in replacement of the SDK's `run()`, metered, with its runner and delivery controls. */
export type MeteredRun = typeof run & RunnerInstrumentation & { readonly runner: Runner };

/**
 * For code that calls the SDK's default `run(agent, input, options)`: returns a function with
 * the same signature, backed by its own instrumented `Runner` (built from `runnerConfig`).
 * `uninstrument()` puts back the agents' models it metered.
 */
export function createMeteredRun(
  options: OpenAIAgentsMetricsOptions | Metrics = {},
  runnerConfig: Partial<RunConfig> = {},
): MeteredRun {
  const runner = new Runner(runnerConfig);
  const instrumentation = instrumentRunner(runner, options);
  const bound = ((agent: unknown, input: unknown, runOptions?: unknown) =>
    (runner.run as (...args: unknown[]) => unknown)(agent, input, runOptions)) as typeof run;
  return Object.assign(bound, {
    runner,
    metrics: instrumentation.metrics,
    flush: instrumentation.flush,
    shutdown: instrumentation.shutdown,
    uninstrument: instrumentation.uninstrument,
  });
}
