import { Metrics, type MetricsOptions } from '../metrics.js';
import { hasBrand } from './brand.js';

/** What every adapter accepts: an existing `Metrics`, or the options to create one (with `metrics` to share one). */
export type MetricsInput = Metrics | (MetricsOptions & { metrics?: Metrics });

/** A `Metrics` from this or any other copy of `@metrics/core` (ESM beside CJS, two versions). */
export function isMetrics(value: unknown): value is Metrics {
  return hasBrand(value, 'Metrics');
}

/**
 * Normalizes an adapter's first argument once: an existing `Metrics` (or `options.metrics`) is
 * used as is, anything else creates one. Throws `ConfigurationError` for invalid options, at
 * registration time, never later inside the agent.
 */
export function toMetrics(input?: MetricsInput): Metrics {
  if (isMetrics(input)) return input;
  if (isMetrics(input?.metrics)) return input.metrics;
  return new Metrics(input ?? {});
}

/** The adapter's own settings from its first argument (none when it is a `Metrics` instance). */
export function adapterOptions<T extends object>(
  input: (MetricsInput & T) | Metrics | undefined,
): Partial<T> {
  return isMetrics(input) ? {} : ((input ?? {}) as Partial<T>);
}
