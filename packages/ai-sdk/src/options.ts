import { Metrics, type MetricsOptions } from '@metrics/core';

export const SOURCE = '@metrics/ai-sdk';

/** A `Metrics` instance to record into, or the options to create one. */
export type AiSdkMetricsOptions = Metrics | (MetricsOptions & { metrics?: Metrics });

/** A `Metrics` from this or another copy of `@metrics/core` (e.g. the CJS build next to the ESM one). */
function isMetrics(value: unknown): value is Metrics {
  return (
    value instanceof Metrics ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Metrics).startInvocation === 'function' &&
      typeof (value as Metrics).export === 'function' &&
      typeof (value as Metrics).diagnostics === 'object')
  );
}

/** Normalizes the options once: an existing `Metrics` is used as is. */
export function toMetrics(options: AiSdkMetricsOptions | undefined): Metrics {
  if (isMetrics(options)) return options;
  if (isMetrics(options?.metrics)) return options.metrics;
  return new Metrics(options ?? {});
}

/** The options that are not a `Metrics` instance (the hooks' own settings). */
export function ownOptions<T extends object>(options: (AiSdkMetricsOptions & T) | undefined): Partial<T> {
  return isMetrics(options) ? {} : ((options ?? {}) as Partial<T>);
}
