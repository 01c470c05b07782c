import { afterEach, describe, expect, it } from 'vitest';
import type { InvocationExporter } from '../exporter.js';
import { Metrics } from '../metrics.js';
import { DEFAULT_FLUSH_TIMEOUT_MS } from './deadline.js';
import { ResourceMetricsExporter } from './resource-metrics-exporter.js';
import { withFlush } from './serverless.js';
import { SECRET, type TestServer, capture, makeRecords, startServer } from './test-support.js';

const servers: TestServer[] = [];
const exporters: ResourceMetricsExporter[] = [];
afterEach(async () => {
  await Promise.all(exporters.splice(0).map((exporter) => exporter.shutdown({ timeoutMs: 0 })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** An endpoint that accepts the request and never answers. */
async function hangingSetup() {
  const server = await startServer();
  server.setDefault({ hang: true });
  servers.push(server);
  const cap = capture();
  const exporter = new ResourceMetricsExporter({
    endpoint: server.url,
    accountId: 'acct-1',
    token: SECRET,
    env: {},
    diagnostics: cap.diagnostics,
  });
  exporters.push(exporter);
  const metrics = new Metrics({ exporters: [exporter], diagnostics: cap.diagnostics });
  return { server, exporter, metrics };
}

async function elapsed(fn: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await fn();
  return Date.now() - started;
}

describe('flush deadlines against an endpoint that never answers', () => {
  it('Metrics.flush() returns by its default deadline of 2 s; the records stay in flight, not dropped', async () => {
    const { server, exporter, metrics } = await hangingSetup();
    for (const record of makeRecords(3)) metrics.export(record);
    const ms = await elapsed(() => metrics.flush());
    if (process.env.RELIABILITY_REPORT) console.info(JSON.stringify({ metricsFlushDefaultMs: ms }));
    expect(DEFAULT_FLUSH_TIMEOUT_MS).toBe(2000);
    expect(ms).toBeGreaterThanOrEqual(1900);
    expect(ms).toBeLessThan(5000);
    expect(server.requests).toHaveLength(1);
    expect(exporter.stats()).toMatchObject({ accepted: 3, inFlight: 3, delivered: 0 });
  });

  it('Metrics.flush({ timeoutMs }) and withFlush(metrics, handler, { timeoutMs }) return by the deadline given', async () => {
    const { metrics } = await hangingSetup();
    for (const record of makeRecords(2)) metrics.export(record);
    expect(await elapsed(() => metrics.flush({ timeoutMs: 200 }))).toBeLessThan(1500);
    const handler = withFlush(metrics, async (event: { n: number }) => event.n * 2, { timeoutMs: 200 });
    let result = 0;
    expect(
      await elapsed(async () => {
        result = await handler({ n: 21 });
      }),
    ).toBeLessThan(1500);
    expect(result).toBe(42);
  });

  it('withFlush(exporter, handler) waits at most the default deadline, and passes the error through', async () => {
    const { exporter } = await hangingSetup();
    exporter.export(makeRecords(1)[0]!);
    const handler = withFlush(exporter, async () => {
      throw new Error('handler failed');
    });
    const started = Date.now();
    await expect(handler()).rejects.toThrow('handler failed');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
  });

  it('an exporter whose flush never settles (and ignores timeoutMs) cannot hold Metrics.flush past the deadline', async () => {
    let seen: unknown;
    const stuck: InvocationExporter = {
      name: 'stuck',
      export() {},
      flush(options) {
        seen = options;
        return new Promise(() => {});
      },
    };
    const metrics = new Metrics({ exporters: [stuck], logger: false });
    expect(await elapsed(() => metrics.flush({ timeoutMs: 100 }))).toBeLessThan(1500);
    expect(seen).toEqual({ timeoutMs: 100 });
    expect(await elapsed(() => metrics.shutdown({ timeoutMs: 100 }))).toBeLessThan(1500);
  });
});
