import type { MetricsInput, OpenRunsOptions } from '@metrics/core/adapter';

/** The adapter's own settings, beside `MetricsOptions` (`exporters`, `toolTypes`, `diagnostics`, …). */
export type AdkAdapterOptions = OpenRunsOptions;

/** What `MetricsPlugin` takes: a `Metrics`, or `MetricsOptions` (with `metrics?` to share one) and the open-run bounds. */
export type AdkMetricsInput = MetricsInput | (MetricsInput & AdkAdapterOptions);

export const SOURCE = '@metrics/google-adk';
