import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationRecorder, type InvocationRecord, fromOpenAIChatUsage } from '@metrics/core';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterEach, expect, it } from 'vitest';
import { createOpenTelemetryExporter } from './otel-exporter.js';

interface Received {
  path: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback OTLP/HTTP receiver that answers 200 to everything and keeps what it got. */
async function startReceiver(): Promise<{ server: Server; url: string; received: Received[] }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/v1/metrics`, received };
}

// OTLP/JSON shapes (only the fields read here).
type AnyValue = { stringValue?: string };
type KeyValue = { key: string; value: AnyValue };
interface JsonPoint {
  attributes: KeyValue[];
  count?: number | string;
  sum?: number;
  asInt?: number | string;
  bucketCounts?: Array<number | string>;
  explicitBounds?: number[];
}
interface JsonMetric {
  name: string;
  unit: string;
  histogram?: { dataPoints: JsonPoint[] };
  sum?: { dataPoints: JsonPoint[]; isMonotonic?: boolean };
}

function attrs(point: JsonPoint): Record<string, string | undefined> {
  return Object.fromEntries(point.attributes.map((kv) => [kv.key, kv.value.stringValue]));
}

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

it('exports through the real OTLP/HTTP exporter to a loopback receiver', async () => {
  const receiver = await startReceiver();
  cleanup.push(
    () =>
      new Promise<void>((resolve) => {
        receiver.server.closeAllConnections();
        receiver.server.close(() => resolve());
      }),
  );
  const provider = new MeterProvider({
    readers: [
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: receiver.url }),
        exportIntervalMillis: 60_000,
      }),
    ],
  });
  cleanup.push(() => provider.shutdown());

  const t0 = 1_700_000_000_000;
  const run = new InvocationRecorder({ name: 'triage', startedAt: t0 });
  const call = run.startModelCall({ provider: 'openai', model: 'gpt-test', startedAt: t0 });
  call.firstToken(t0 + 90);
  call.end({ usage: fromOpenAIChatUsage({ prompt_tokens: 1200, completion_tokens: 80 }) }, t0 + 700);
  run.startToolCall({ name: 'search', type: 'api', startedAt: t0 + 700 }).end(t0 + 760);
  const record = run.end({ endedAt: t0 + 900 }) as InvocationRecord;

  const exporter = createOpenTelemetryExporter({ meterProvider: provider, toolNames: true });
  exporter.export(record);
  await exporter.flush(); // force-flushes the provider: one OTLP request

  expect(receiver.received).toHaveLength(1);
  const [request] = receiver.received;
  expect(request?.path).toBe('/v1/metrics');
  expect(request?.headers['content-type']).toBe('application/json');
  const body = JSON.parse(request?.body ?? '{}') as {
    resourceMetrics: Array<{ scopeMetrics: Array<{ scope: { name: string }; metrics: JsonMetric[] }> }>;
  };
  const scope = body.resourceMetrics[0]?.scopeMetrics[0];
  expect(scope?.scope.name).toBe('@metrics/otel');
  const byName = new Map(scope?.metrics.map((m) => [m.name, m]));

  const tokens = byName.get('gen_ai.client.token.usage');
  expect(tokens?.unit).toBe('{token}');
  const points = tokens?.histogram?.dataPoints ?? [];
  expect(points).toHaveLength(2);
  const input = points.find((p) => attrs(p)['gen_ai.token.type'] === 'input');
  expect(attrs(input as JsonPoint)).toEqual({
    'gen_ai.operation.name': 'chat',
    'gen_ai.provider.name': 'openai',
    'gen_ai.request.model': 'gpt-test',
    'gen_ai.token.type': 'input',
  });
  expect(Number(input?.count)).toBe(1);
  expect(input?.sum).toBe(1200);
  // 1200 falls in (1024, 4096]: the 7th bucket of the advised boundaries.
  expect(input?.explicitBounds?.slice(0, 7)).toEqual([1, 4, 16, 64, 256, 1024, 4096]);
  expect(input?.bucketCounts?.map(Number).indexOf(1)).toBe(6);
  const output = points.find((p) => attrs(p)['gen_ai.token.type'] === 'output');
  expect(output?.sum).toBe(80);

  const duration = byName.get('gen_ai.client.operation.duration')?.histogram?.dataPoints[0];
  expect(duration?.sum).toBe(0.7);
  const ttfc = byName.get('gen_ai.client.operation.time_to_first_chunk')?.histogram?.dataPoints[0];
  expect(ttfc?.sum).toBe(0.09);
  const agent = byName.get('gen_ai.invoke_agent.duration')?.histogram?.dataPoints[0];
  expect(attrs(agent as JsonPoint)).toEqual({
    'gen_ai.agent.name': 'triage',
    'gen_ai.request.model': 'gpt-test',
  });
  expect(agent?.sum).toBe(0.9);
  const tool = byName.get('gen_ai.execute_tool.duration')?.histogram?.dataPoints[0];
  expect(attrs(tool as JsonPoint)['gen_ai.tool.name']).toBe('search');
  expect(tool?.sum).toBeCloseTo(0.06, 9);
  const toolCalls = byName.get('agent_metrics.tool.calls')?.sum;
  expect(toolCalls?.isMonotonic).toBe(true);
  expect(Number(toolCalls?.dataPoints[0]?.asInt)).toBe(1);
});
