// The ```ts blocks of packages/otel/README.md, verbatim (readme-snippets.test.ts checks it).
// biome-ignore-all format: the README blocks stay exactly as written there
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the README's placeholder callback
import { createMetrics } from '@metrics/core';
import { createOpenTelemetryExporter } from '@metrics/otel';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

// Your provider, as you already run it (here: OTLP/HTTP to a Collector on localhost:4318).
const meterProvider = new MeterProvider({
  readers: [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: 10_000 })],
});

const metrics = createMetrics({ exporters: [createOpenTelemetryExporter({ meterProvider })] });
// Hand `metrics` (or `{ exporters: [...] }`) to your framework's @metrics adapter, or record by hand:
await metrics.withInvocation({ name: 'support-agent' }, async (run) => {
  /* run.startModelCall(...), run.startToolCall(...) — see @metrics/core */
});

await metrics.flush(); // before a serverless function returns: force-flushes the provider

// "For example, to follow the GenAI repository's newer client duration names" (uses `meterProvider` above)
export function newerClientDurationNames() {
  createOpenTelemetryExporter({
    meterProvider,
    names: {
      operationDuration: 'gen_ai.client.inference.duration',
      timeToFirstChunk: 'gen_ai.client.inference.time_to_first_chunk',
    },
    toolNames: ['search', 'lookup_order'], // fixed names defined in your code
  });
}
