// Cost of exporting one typical invocation record into the real metrics SDK (no network).
// Run: pnpm --filter @metrics/otel build && pnpm --filter @metrics/otel bench
import { InvocationRecorder, fromOpenAIChatUsage } from '@metrics/core';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { createOpenTelemetryExporter } from '../dist/index.js';

class PullReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

function typicalRecord(i) {
  const t0 = 1_700_000_000_000 + i;
  const run = new InvocationRecorder({ name: 'support-agent', startedAt: t0 });
  for (let c = 0; c < 3; c++) {
    const call = run.startModelCall({
      provider: 'openai.chat',
      model: `gpt-${c % 2}`,
      startedAt: t0 + c * 100,
    });
    call.firstToken(t0 + c * 100 + 20);
    call.end(
      {
        usage: fromOpenAIChatUsage({
          prompt_tokens: 500 + c,
          completion_tokens: 40,
          prompt_tokens_details: { cached_tokens: 256 },
        }),
      },
      t0 + c * 100 + 80,
    );
    run
      .startToolCall({ name: `tool_${c}`, type: 'api', startedAt: t0 + c * 100 + 80 })
      .end(t0 + c * 100 + 95);
  }
  return run.end({ endedAt: t0 + 400 });
}

const reader = new PullReader();
const provider = new MeterProvider({ readers: [reader] });
const exporter = createOpenTelemetryExporter({ meterProvider: provider });
const records = Array.from({ length: 1000 }, (_, i) => typicalRecord(i));

for (const r of records) exporter.export(r); // warm-up
const rounds = 20;
const start = performance.now();
for (let k = 0; k < rounds; k++) for (const r of records) exporter.export(r);
const elapsed = performance.now() - start;
const perRecord = (elapsed * 1000) / (rounds * records.length);
const collectStart = performance.now();
const { resourceMetrics } = await reader.collect();
const collectMs = performance.now() - collectStart;
const series = resourceMetrics.scopeMetrics[0].metrics.reduce((n, m) => n + m.dataPoints.length, 0);
console.log(
  `export: ${perRecord.toFixed(1)} µs per record (3 model calls, 3 tools; ${rounds * records.length} records)` +
    `\ncollect: ${collectMs.toFixed(1)} ms for ${series} series`,
);
await provider.shutdown();
