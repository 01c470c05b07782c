import type { Metrics, MetricsOptions } from '@metrics/core';
import type { OpenRunsOptions } from '@metrics/core/adapter';

/** This adapter's own settings, beside `MetricsOptions`. */
export interface LangChainAdapterOptions extends OpenRunsOptions {
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

/**
 * The first argument of the handler and the middleware (`MetricsInput` of the core, plus this
 * adapter's settings). `openRunTimeoutMs`: a run silent this long is finished as it stands
 * (default 10 minutes); `maxOpenRuns`: the memory bound on open runs (default 100,000).
 */
export interface LangChainMetricsOptions extends MetricsOptions, LangChainAdapterOptions {
  /** An existing `Metrics` instance (its exporters and diagnostics); the other core options are then ignored. */
  metrics?: Metrics;
}

export const SOURCE = '@metrics/langchain';
