import type { Metrics } from '@metrics/core';
import type { MetricsInput } from '@metrics/core/adapter';

export const SOURCE = '@metrics/ai-sdk';

/** A `Metrics` instance to record into, or the options to create one (`metrics` to share one). */
export type AiSdkMetricsOptions = MetricsInput;

export type { Metrics };
