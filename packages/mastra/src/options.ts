import { Metrics, type MetricsOptions } from '@metrics/core';

export const SOURCE = '@metrics/mastra';

export interface MastraMetricsOptions extends MetricsOptions {
  /** An existing `Metrics` instance to record into (its options win over the ones here). */
  metrics?: Metrics;
  /**
   * Wrap the models of the agents registered on the Mastra instance so that every request —
   * each of Mastra's retry attempts included — is seen with its HTTP status. Default `true`.
   */
  observeModels?: boolean;
  /** Most runs kept open at once; the oldest is closed (and exported) beyond it. Default 1000. */
  maxOpenRuns?: number;
  /** A run still open after this long is closed (and exported) when a new one starts. Default 30 min. */
  maxRunAgeMs?: number;
}

export function toMetrics(options: MastraMetricsOptions | Metrics = {}): Metrics {
  if (options instanceof Metrics) return options;
  if (options.metrics) return options.metrics;
  return new Metrics({ providerType: 'MASTRA', ...options });
}
