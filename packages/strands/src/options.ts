import type { MetricsInput, OpenRunsOptions } from '@metrics/core/adapter';

/** The adapter's own settings, beside `MetricsOptions` (`exporters`, `toolTypes`, `diagnostics`, …). */
export type StrandsAdapterOptions = OpenRunsOptions;

/** What `MetricsPlugin` takes: a `Metrics`, or `MetricsOptions` (with `metrics?` to share one) and the open-run bounds. */
export type StrandsMetricsInput = MetricsInput | (MetricsInput & StrandsAdapterOptions);

export const SOURCE = '@metrics/strands';
