import type { Metrics, ProviderType } from '@metrics/core';
import { type MetricsInput, toMetrics } from '@metrics/core/adapter';

export const SOURCE = '@metrics/clients';

/** What `meter()` takes: a `Metrics`, or `MetricsOptions` (with `metrics` to share one). */
export type MeterInput = MetricsInput;

/** What a metered call needs to know about its client, fixed at `meter()` time. */
export interface ClientContext {
  readonly metrics: Metrics;
  /** `providerType` of the one-call records made for calls outside any invocation. */
  readonly providerType: ProviderType;
  /** The provider name given to each model call (`openai`, `anthropic`, `google`, `bedrock`). */
  readonly provider: string;
}

export function clientContext(
  input: MeterInput | undefined,
  provider: string,
  providerType: ProviderType,
): ClientContext {
  return { metrics: toMetrics(input), provider, providerType };
}
