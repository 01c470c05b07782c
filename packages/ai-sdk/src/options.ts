import { Metrics, type MetricsOptions } from '@metrics/core';

export const SOURCE = '@metrics/ai-sdk';

/** A `Metrics` instance to record into, or the options to create one. */
export type AiSdkMetricsOptions = Metrics | (MetricsOptions & { metrics?: Metrics });

/** Normalizes the options once: an existing `Metrics` is used as is. */
export function toMetrics(options: AiSdkMetricsOptions | undefined): Metrics {
  if (options instanceof Metrics) return options;
  if (options?.metrics instanceof Metrics) return options.metrics;
  return new Metrics(options ?? {});
}
