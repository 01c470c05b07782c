import type { Metrics } from '@metrics/core';
import { type MetricsInput, adapterOptions, toMetrics } from '@metrics/core/adapter';
import type { OpenRunsOptions } from '@metrics/core/adapter';

/** The `Settings` object of one `@llamaindex/core` copy (from `llamaindex` or `@llamaindex/core/global`). */
export interface SettingsLike {
  readonly callbackManager: unknown;
  withCallbackManager<R>(callbackManager: never, fn: () => R): R;
}

interface OwnOptions extends OpenRunsOptions {
  /**
   * More `Settings` objects to scope the run's callback manager on, when several copies of
   * `@llamaindex/core` are installed (e.g. `Settings` from `llamaindex`). The copy
   * `@metrics/llamaindex` resolves is always used.
   */
  settings?: readonly SettingsLike[];
  /** @deprecated Use `openRunTimeoutMs` (a run silent this long is finished as it stands). */
  deadlineMs?: number;
  /**
   * The callback manager that keeps receiving every event (handlers registered with `on()` go
   * there too). Default: the one current when this object is created.
   */
  callbackManager?: unknown;
}

/**
 * The adapter's options: the core's `MetricsOptions` (or `metrics` to share one) plus its own.
 * Open runs are bounded by the core's kit: a run silent for `openRunTimeoutMs` (default 10 min:
 * LlamaIndex never settles an agent run after a model error) is finished as it stands, and at
 * most `maxOpenRuns` (default 100,000) are kept.
 */
export type MetricsCallbackManagerOptions = MetricsInput & OwnOptions;

/** @deprecated Use `MetricsCallbackManagerOptions`. */
export type LlamaIndexMetricsOptions = MetricsCallbackManagerOptions;

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
   * model's error (or a timeout). Your promise is left as LlamaIndex leaves it. Without it, such a
   * run ends once silent for `openRunTimeoutMs`.
   */
  deadlineMs?: number;
  /** Ends and exports the record when aborted (the same way as `deadlineMs`). */
  signal?: AbortSignal;
}

export interface Normalized {
  metrics: Metrics;
  extraSettings: readonly SettingsLike[];
  openRuns: OpenRunsOptions;
  forwardTo: unknown;
  forwardToGiven: boolean;
}

/** The first argument, normalized once (a `Metrics` from any copy of the core, or options). */
export function normalizeOptions(input: MetricsCallbackManagerOptions | Metrics | undefined): Normalized {
  const metrics = toMetrics(input);
  const own = adapterOptions<OwnOptions>(input);
  const openRunTimeoutMs = own.openRunTimeoutMs ?? own.deadlineMs;
  const openRuns: OpenRunsOptions = {};
  if (openRunTimeoutMs !== undefined) openRuns.openRunTimeoutMs = openRunTimeoutMs;
  if (own.maxOpenRuns !== undefined) openRuns.maxOpenRuns = own.maxOpenRuns;
  return {
    metrics,
    extraSettings: own.settings ?? [],
    openRuns,
    forwardTo: own.callbackManager,
    forwardToGiven: own.callbackManager !== undefined,
  };
}
