// Test helpers (not exported from the package): a pull reader over the real SDK and data point lookups.
import {
  type DataPoint,
  type Histogram,
  type MetricData,
  MetricReader,
  MeterProvider,
} from '@opentelemetry/sdk-metrics';

/** A `MetricReader` that only collects when asked. */
export class TestReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}

  /** Every metric collected now, by name. */
  async metrics(): Promise<Map<string, MetricData>> {
    const { resourceMetrics, errors } = await this.collect();
    if (errors.length > 0) throw errors[0];
    const byName = new Map<string, MetricData>();
    for (const scope of resourceMetrics.scopeMetrics)
      for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
    return byName;
  }
}

export function testProvider(): { provider: MeterProvider; reader: TestReader } {
  const reader = new TestReader();
  return { provider: new MeterProvider({ readers: [reader] }), reader };
}

function sameAttributes(point: DataPoint<unknown>, attributes: Record<string, string>): boolean {
  const keys = Object.keys(point.attributes);
  return (
    keys.length === Object.keys(attributes).length && keys.every((k) => point.attributes[k] === attributes[k])
  );
}

/** The data point with exactly these attributes; throws when there is none. */
export function point<T = number>(metric: MetricData | undefined, attributes: Record<string, string>): T {
  if (!metric) throw new Error('metric not collected');
  const found = (metric.dataPoints as DataPoint<unknown>[]).find((p) => sameAttributes(p, attributes));
  if (!found) {
    const seen = metric.dataPoints.map((p) => JSON.stringify(p.attributes)).join('\n');
    throw new Error(`${metric.descriptor.name}: no point with ${JSON.stringify(attributes)}; seen:\n${seen}`);
  }
  return found.value as T;
}

/** Non-empty buckets of a histogram point as `upper bound → count` (`+Inf` for the overflow bucket). */
export function filledBuckets(value: Histogram): Record<string, number> {
  const out: Record<string, number> = {};
  value.buckets.counts.forEach((count, i) => {
    if (count > 0) out[String(value.buckets.boundaries[i] ?? '+Inf')] = count;
  });
  return out;
}
