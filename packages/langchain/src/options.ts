import { Metrics, type MetricsOptions } from '@metrics/core';

export interface LangChainMetricsOptions extends MetricsOptions {
  /** An existing `Metrics` instance (its exporters and diagnostics); the other options are then ignored. */
  metrics?: Metrics;
  /**
   * Most invocations a shared handler keeps open at once. A run whose end never arrives is
   * evicted (oldest first) and exported as it stands, with an `langchain.run-evicted` diagnostic.
   * Default 1000.
   */
  maxOpenRuns?: number;
  /**
   * Subtract the placeholder output token `@langchain/anthropic` (<= 1.5.x) adds to every streamed
   * call. Default `true`; applied only to the affected versions.
   */
  correctAnthropicStreamedUsage?: boolean;
  /**
   * Handler only: when a run is also measured by the metrics middleware (`createMetricsMiddleware`),
   * drop the handler's record so the run is counted once. Default `true`.
   */
  deferToMiddleware?: boolean;
}

export const SOURCE = '@metrics/langchain';

export function toMetrics(options: LangChainMetricsOptions | Metrics): Metrics {
  if (options instanceof Metrics) return options;
  if (options.metrics) return options.metrics;
  return new Metrics(options);
}
