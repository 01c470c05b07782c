import type { Metrics } from '@metrics/core';
import {
  type MetricsInput,
  type OpenRunsOptions,
  adapterOptions,
  isMetrics,
  toMetrics as kitToMetrics,
} from '@metrics/core/adapter';

export const SOURCE = '@metrics/mastra';

interface OwnOptions extends OpenRunsOptions {
  /**
   * The exporter wraps the models of the agents registered on the Mastra instance so that every
   * request — each of Mastra's retry attempts included — is seen with its HTTP status; its
   * `shutdown()` (or `uninstrument()`) puts the original models back. Default `true`; `false`
   * leaves every agent untouched (attempts are then read from Mastra's spans alone).
   */
  observeModels?: boolean;
  /** @deprecated Use `openRunTimeoutMs` (a run silent this long is finished as it stands). */
  maxRunAgeMs?: number;
}

/**
 * The adapter's options: the core's `MetricsOptions` (or `metrics` to share one) plus its own.
 * Open runs are bounded by the core's kit: a run silent for `openRunTimeoutMs` (default 10 min)
 * is finished as it stands, at most `maxOpenRuns` (default 100,000) are kept.
 */
export type MetricsExporterOptions = MetricsInput & OwnOptions;

/** @deprecated Use `MetricsExporterOptions`. */
export type MastraMetricsOptions = MetricsExporterOptions;

export interface Normalized {
  metrics: Metrics;
  observeModels: boolean;
  openRuns: OpenRunsOptions;
}

/** The first argument, normalized once (a `Metrics` from any copy of the core, or options). */
export function normalizeOptions(input: MetricsExporterOptions | Metrics | undefined): Normalized {
  const own = adapterOptions<OwnOptions>(input);
  const openRuns: OpenRunsOptions = {};
  const openRunTimeoutMs = own.openRunTimeoutMs ?? own.maxRunAgeMs;
  if (openRunTimeoutMs !== undefined) openRuns.openRunTimeoutMs = openRunTimeoutMs;
  if (own.maxOpenRuns !== undefined) openRuns.maxOpenRuns = own.maxOpenRuns;
  return { metrics: toMetrics(input), observeModels: own.observeModels !== false, openRuns };
}

/** The `Metrics` to record into: records made by a new one say `providerType: 'MASTRA'`. */
export function toMetrics(input: MetricsExporterOptions | Metrics | undefined): Metrics {
  if (isMetrics(input) || isMetrics(input?.metrics)) return kitToMetrics(input);
  return kitToMetrics({ providerType: 'MASTRA', ...input });
}
