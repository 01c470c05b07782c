import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../metrics.js';
import type { InvocationRecord } from '../recorder/record.js';
import { validateResourceMetricsPayload } from '../schema/validate-resource-metric.js';
import type { ResourceMetricsExporterOptions } from './http-config.js';
import { DROP_REASONS, type DeliveryStats, ResourceMetricsExporter } from './resource-metrics-exporter.js';
import {
  SECRET,
  USER,
  type TestServer,
  capture,
  freePort,
  makeRecord,
  makeRecords,
  secretForms,
  sleep,
  startServer,
  waitUntil,
} from './test-support.js';

const ACCOUNT = '4f1c2d3e-aaaa-4bbb-8ccc-123456789abc';
const FAST = {
  batchDelayMs: 5,
  retryInitialDelayMs: 10,
  retryMaxDelayMs: 40,
  requestTimeoutMs: 2000,
  env: {},
} satisfies ResourceMetricsExporterOptions;

const servers: TestServer[] = [];
const exporters: ResourceMetricsExporter[] = [];
afterEach(async () => {
  await Promise.all(exporters.splice(0).map((exporter) => exporter.shutdown({ timeoutMs: 100 })));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function server(): Promise<TestServer> {
  const s = await startServer();
  servers.push(s);
  return s;
}

function setup(endpoint: string, options: ResourceMetricsExporterOptions = {}) {
  const cap = capture();
  const exporter = new ResourceMetricsExporter({
    endpoint,
    accountId: ACCOUNT,
    token: SECRET,
    ...FAST,
    diagnostics: cap.diagnostics,
    ...options,
  });
  exporters.push(exporter);
  return { exporter, cap };
}

function sumDropped(stats: DeliveryStats): number {
  return DROP_REASONS.reduce((sum, reason) => sum + stats.dropped[reason], 0);
}

/** The accounting identity, no duplicates, exactly the expected records, and no secret anywhere. */
function verify(
  exporter: ResourceMetricsExporter,
  s: TestServer | undefined,
  expected: readonly InvocationRecord[],
  cap: ReturnType<typeof capture>,
): DeliveryStats {
  const stats = exporter.stats();
  expect(stats.accepted).toBe(stats.delivered + sumDropped(stats) + stats.queued + stats.inFlight);
  if (s) {
    const ids = s.accepted.map((metric) => metric.sessionId);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(expected.map((record) => record.runId).sort());
    expect(stats.delivered).toBe(expected.length);
  }
  const text = cap.text();
  for (const form of secretForms()) expect(text).not.toContain(form);
  return stats;
}

describe('ResourceMetricsExporter against a loopback server', () => {
  it('delivers on 200 in batches of at most 50, with the spec headers and a valid body', async () => {
    const s = await server();
    const { exporter, cap } = setup(s.url, { origin: 'https://agents.example.com' });
    const records = makeRecords(120);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.records.length)).toEqual([50, 50, 20]);
    const headers = s.requests[0]!.headers;
    expect(headers['content-type']).toBe('application/json');
    expect(headers.authorization).toBe(`Bearer ${SECRET}`);
    expect(headers.origin).toBe('https://agents.example.com');
    expect(validateResourceMetricsPayload({ resourceMetrics: s.requests[2]!.records }).ok).toBe(true);
    const first = s.accepted.find((m) => m.sessionId === records[0]!.runId)!;
    expect(first).toMatchObject({ extAccountAliasId: ACCOUNT, inputTokenCount: 10, outputTokenCount: 5 });
    const stats = verify(exporter, s, records, cap);
    expect(stats.requests).toMatchObject({ attempts: 3, succeeded: 3, retries: 0 });
    expect(cap.events.filter((e) => e.type === 'delivery.sent')).toHaveLength(3);
  });

  it('delivers on 202 with Basic auth from user + token', async () => {
    const s = await server();
    s.setDefault({ status: 202 });
    const { exporter, cap } = setup(s.url, { user: USER });
    const records = makeRecords(3);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests).toHaveLength(1);
    expect(s.requests[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${USER}:${SECRET}`).toString('base64')}`,
    );
    expect(s.requests[0]!.headers.origin).toBeUndefined();
    verify(exporter, s, records, cap);
  });

  it('honours Retry-After (seconds) on 429, then delivers', async () => {
    const s = await server();
    s.plan({ status: 429, headers: { 'retry-after': '1' } });
    const { exporter, cap } = setup(s.url);
    const records = makeRecords(5);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(s.requests[1]!.at - s.requests[0]!.at).toBeGreaterThanOrEqual(950);
    const retry = cap.events.find((e) => e.type === 'delivery.retry')!;
    expect(retry.data).toMatchObject({ status: 429, delayMs: 1000, attempt: 1 });
    verify(exporter, s, records, cap);
  });

  it('honours an HTTP-date Retry-After and caps a huge one at maxRetryAfterMs', async () => {
    const s = await server();
    s.plan(
      { status: 429, headers: { 'retry-after': new Date(Date.now() - 5000).toUTCString() } },
      { status: 503, headers: { 'retry-after': '86400' } },
    );
    const { exporter, cap } = setup(s.url, { maxRetryAfterMs: 50 });
    const records = makeRecords(2);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.status)).toEqual([429, 503, 200]);
    const delays = cap.events.filter((e) => e.type === 'delivery.retry').map((e) => e.data?.delayMs);
    expect(delays).toEqual([0, 50]);
    verify(exporter, s, records, cap);
  });

  it('retries 503 then delivers once', async () => {
    const s = await server();
    s.plan({ status: 503 });
    const { exporter, cap } = setup(s.url);
    const records = makeRecords(7);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.status)).toEqual([503, 200]);
    const stats = verify(exporter, s, records, cap);
    expect(stats.requests.retries).toBe(1);
  });

  it('drops as retries_exhausted after maxRetries on a permanent 500', async () => {
    const s = await server();
    s.setDefault({ status: 500, body: (h) => `internal error for ${h.authorization}` });
    const { exporter, cap } = setup(s.url, { maxRetries: 3, user: USER });
    const records = makeRecords(4);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.status)).toEqual([500, 500, 500, 500]);
    const stats = verify(exporter, s, [], cap);
    expect(stats.dropped.retries_exhausted).toBe(4);
    expect(sumDropped(stats)).toBe(4);
    const drop = cap.events.find((e) => e.type === 'record.dropped')!;
    expect(drop.data).toMatchObject({ reason: 'retries_exhausted', count: 4, status: 500 });
  });

  for (const status of [400, 401]) {
    it(`never retries ${status}; reports the status and the (redacted, truncated) endpoint body`, async () => {
      const s = await server();
      s.setDefault({
        status,
        body: (h) =>
          // the secret also straddles the 300-character excerpt boundary
          `{"error":"bad request","echo":"${h.authorization}","token":"${SECRET}"}`.padEnd(290, ' ') +
          SECRET +
          'x'.repeat(2000),
      });
      const { exporter, cap } = setup(s.url, { user: USER });
      const records = makeRecords(3);
      for (const record of records) exporter.export(record);
      await exporter.flush();
      expect(s.requests).toHaveLength(1);
      const stats = verify(exporter, s, [], cap);
      expect(stats.dropped.rejected).toBe(3);
      const rejected = cap.events.find((e) => e.type === 'delivery.rejected')!;
      expect(rejected.data).toMatchObject({ status, records: 3 });
      expect(rejected.message).toContain(`HTTP ${status}`);
      expect(rejected.message).toContain('bad request');
      expect(rejected.message.length).toBeLessThan(600);
      expect(cap.text()).not.toContain(SECRET.slice(0, 8));
      expect(cap.printed.join('\n')).toContain(`HTTP ${status}`);
    });
  }

  it('times out a hanging server and retries', async () => {
    const s = await server();
    s.plan({ hang: true });
    const { exporter, cap } = setup(s.url, { requestTimeoutMs: 600 });
    const records = makeRecords(6);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.status)).toEqual(['hang', 200]);
    expect(cap.events.find((e) => e.type === 'delivery.retry')!.message).toContain('timeout');
    verify(exporter, s, records, cap);
  });

  it('retries a connection reset', async () => {
    const s = await server();
    s.plan({ reset: true }, { reset: true });
    const { exporter, cap } = setup(s.url);
    const records = makeRecords(6);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.status)).toEqual(['reset', 'reset', 200]);
    verify(exporter, s, records, cap);
  });

  it('delivers to a server that is down at start and comes up later', async () => {
    const port = await freePort();
    const { exporter, cap } = setup(`http://127.0.0.1:${port}/ingest`, {
      maxRetries: 20,
      retryInitialDelayMs: 20,
      retryMaxDelayMs: 40,
    });
    const records = makeRecords(8);
    for (const record of records) exporter.export(record);
    await waitUntil(() => exporter.stats().requests.retries >= 2);
    const s = await startServer(port);
    servers.push(s);
    await exporter.flush();
    expect(s.requests).toHaveLength(1);
    const retry = cap.events.find((e) => e.type === 'delivery.retry')!;
    expect(retry.message).toContain('ECONNREFUSED');
    verify(exporter, s, records, cap);
  });

  it('splits at exactly 50 records', async () => {
    const s = await server();
    const { exporter, cap } = setup(s.url, { batchDelayMs: 60_000 });
    const fifty = makeRecords(50);
    for (const record of fifty) exporter.export(record);
    await exporter.flush();
    const fiftyOne = makeRecords(51);
    for (const record of fiftyOne) exporter.export(record);
    await exporter.flush();
    expect(s.requests.map((r) => r.records.length)).toEqual([50, 50, 1]);
    verify(exporter, s, [...fifty, ...fiftyOne], cap);
  });

  it('splits at 5 MiB of UTF-8 bytes and drops a single record over 5 MiB as invalid', async () => {
    const s = await server();
    const { exporter, cap } = setup(s.url);
    // 'é' is 2 bytes: 700k characters make ~1.4 MB, so 3 fit in 5 MiB although 7 would by string length.
    const big = makeRecords(7, { model: 'é'.repeat(700_000) });
    const tooBig = makeRecord({ model: 'm'.repeat(5 * 1024 * 1024) });
    const small = makeRecords(2);
    for (const record of [...big.slice(0, 4), tooBig, ...big.slice(4), ...small]) exporter.export(record);
    await exporter.flush();
    for (const request of s.requests) expect(request.bytes).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(s.requests.map((r) => r.records.length)).toEqual([3, 3, 3]);
    const stats = verify(exporter, s, [...big, ...small], cap);
    expect(stats.dropped.invalid).toBe(1);
    expect(cap.events.find((e) => e.data?.reason === 'invalid')!.message).toContain('over the 5242880-byte');
  });

  it('bounds the queue under a dead endpoint and counts every drop exactly', async () => {
    const port = await freePort();
    const { exporter, cap } = setup(`http://127.0.0.1:${port}/ingest`, {
      maxQueueSize: 100,
      maxConcurrentRequests: 1,
      maxRetries: 100,
    });
    const records = makeRecords(1000);
    for (const record of records) exporter.export(record);
    let stats = exporter.stats();
    expect(stats.dropped.queue_full).toBe(900);
    expect(stats.queued + stats.inFlight).toBe(100);
    for (let i = 0; i < 5; i++) {
      await sleep(20);
      for (const record of makeRecords(100)) exporter.export(record);
      stats = exporter.stats();
      expect(stats.queued).toBeLessThanOrEqual(100);
      expect(stats.inFlight).toBeLessThanOrEqual(50);
    }
    const before = exporter.stats();
    await exporter.shutdown({ timeoutMs: 100 });
    stats = verify(exporter, undefined, [], cap);
    expect(stats.accepted).toBe(1500);
    expect(stats.dropped.shutdown_timeout).toBe(before.queued + before.inFlight);
    expect(stats.dropped.queue_full + stats.dropped.shutdown_timeout).toBe(1500);
    expect(stats.queued + stats.inFlight).toBe(0);
  });

  it('never has more than maxConcurrentRequests requests open; other batches wait, none is lost', async () => {
    const s = await server();
    s.setDefault({ status: 200, delayMs: 60 });
    const { exporter, cap } = setup(s.url, { maxConcurrentRequests: 2 });
    const records = makeRecords(400);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(s.requests).toHaveLength(8);
    expect(s.maxConcurrent()).toBe(2);
    verify(exporter, s, records, cap);
  });

  it('keeps the accounting identity at every moment through a mix of faults', async () => {
    const s = await server();
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const kinds = [
      { status: 200 },
      { status: 202, delayMs: 15 },
      { status: 503 },
      { status: 429, headers: { 'retry-after': '0' } },
      { reset: true as const },
      { status: 400 },
    ];
    for (let i = 0; i < 40; i++) s.plan(kinds[Math.floor(random() * kinds.length)]!);
    const { exporter, cap } = setup(s.url, { maxBatchSize: 7, maxQueueSize: 60, maxRetries: 4 });
    const exported: InvocationRecord[] = [];
    let sampled = 0;
    const sampler = setInterval(() => {
      const stats = exporter.stats();
      sampled++;
      expect(stats.accepted).toBe(stats.delivered + sumDropped(stats) + stats.queued + stats.inFlight);
    }, 2);
    for (let round = 0; round < 10; round++) {
      for (const record of makeRecords(1 + Math.floor(random() * 20))) {
        exported.push(record);
        exporter.export(record);
      }
      await sleep(Math.floor(random() * 15));
    }
    await exporter.flush();
    clearInterval(sampler);
    expect(sampled).toBeGreaterThan(5);
    const stats = exporter.stats();
    expect(stats.queued + stats.inFlight).toBe(0);
    // Everything delivered is exactly what the server accepted, once each; the rest is counted.
    const delivered = new Set(s.accepted.map((metric) => metric.sessionId));
    verify(
      exporter,
      s,
      exported.filter((record) => delivered.has(record.runId)),
      cap,
    );
    expect(stats.delivered + sumDropped(stats)).toBe(exported.length);
  });

  it('delivers what a Metrics instance records, through its diagnostics channel', async () => {
    const s = await server();
    const cap = capture();
    const exporter = new ResourceMetricsExporter({
      endpoint: s.url,
      accountId: ACCOUNT,
      token: SECRET,
      providerType: 'LANGCHAIN',
      ...FAST,
      diagnostics: cap.diagnostics,
    });
    exporters.push(exporter);
    const metrics = createMetrics({ exporters: [exporter], diagnostics: cap.diagnostics });
    await metrics.withInvocation({ model: 'gpt-4o' }, async (run) => {
      run.startToolCall({ name: 'search', type: 'mcp' }).end();
    });
    await expect(
      metrics.withInvocation({}, async () => Promise.reject(new Error('agent failed'))),
    ).rejects.toThrow('agent failed');
    await metrics.flush();
    expect(s.accepted).toHaveLength(2);
    expect(s.accepted[0]).toMatchObject({
      providerType: 'LANGCHAIN',
      extModelId: 'gpt-4o',
      tools: [{ toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 }],
    });
    expect(cap.events.filter((e) => e.type === 'delivery.sent')).toHaveLength(1);
    expect(exporter.stats().delivered).toBe(2);
  });

  it('drop-oldest keeps the newest records', async () => {
    const s = await server();
    const { exporter, cap } = setup(s.url, {
      maxQueueSize: 100,
      dropPolicy: 'drop-oldest',
      batchDelayMs: 60_000,
    });
    const records = makeRecords(150);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    const stats = verify(exporter, s, records.slice(50), cap);
    expect(stats.dropped.queue_full).toBe(50);
  });

  it('flush() waits for what was exported before it; shutdown() refuses later records and is idempotent', async () => {
    const s = await server();
    const { exporter, cap } = setup(s.url, { batchDelayMs: 60_000 });
    const first = makeRecords(10);
    for (const record of first) exporter.export(record);
    expect(s.requests).toHaveLength(0);
    await exporter.flush();
    expect(s.accepted).toHaveLength(10);
    const second = makeRecords(5);
    for (const record of second) exporter.export(record);
    const a = exporter.shutdown();
    const b = exporter.shutdown();
    expect(a).toBe(b);
    exporter.export(makeRecord());
    await a;
    const stats = verify(exporter, s, [...first, ...second], cap);
    expect(stats.dropped.after_shutdown).toBe(1);
    expect(await exporter.drain()).toBe(true);
  });

  it('shutdown() against a hanging server resolves by its deadline and counts shutdown_timeout', async () => {
    const s = await server();
    s.setDefault({ hang: true });
    const { exporter, cap } = setup(s.url, { requestTimeoutMs: 60_000 });
    const records = makeRecords(60);
    for (const record of records) exporter.export(record);
    await waitUntil(() => s.requests.length >= 2);
    const started = Date.now();
    await exporter.shutdown({ timeoutMs: 150 });
    expect(Date.now() - started).toBeLessThan(3000);
    const stats = verify(exporter, s, [], cap);
    expect(stats.dropped.shutdown_timeout).toBe(60);
  });

  it('does not follow redirects', async () => {
    const target = await server();
    const s = await server();
    s.setDefault({ status: 307, headers: { location: target.url } });
    const { exporter, cap } = setup(s.url, { user: USER });
    const records = makeRecords(2);
    for (const record of records) exporter.export(record);
    await exporter.flush();
    expect(target.requests).toHaveLength(0);
    const stats = verify(exporter, s, [], cap);
    expect(stats.dropped.rejected).toBe(2);
    expect(cap.events.find((e) => e.type === 'delivery.rejected')!.message).toContain('redirect');
  });

  it('export() is synchronous and never throws; invalid records are dropped with a diagnostic', async () => {
    const s = await server();
    const { exporter, cap } = setup(s.url);
    // the recorder repairs such a time, so the bad record is built by hand: not a 13-digit epoch
    const bad = { ...makeRecord(), startedAt: 1000 } as InvocationRecord;
    const good = makeRecord();
    expect(exporter.export(bad)).toBeUndefined();
    expect(() => exporter.export(null as unknown as InvocationRecord)).not.toThrow();
    exporter.exportResourceMetric({ sessionId: 'nope' } as never);
    exporter.export(good);
    expect(s.requests).toHaveLength(0); // nothing happens on the caller's stack
    await exporter.flush();
    const stats = verify(exporter, s, [good], cap);
    expect(stats.dropped.invalid).toBe(3);
    expect(cap.events.some((e) => e.type === 'record.dropped' && e.message.includes('time'))).toBe(true);
  });

  it('hands delivery to waitUntil for serverless platforms', async () => {
    const s = await server();
    const pending: Promise<unknown>[] = [];
    const { exporter, cap } = setup(s.url, { batchDelayMs: 60_000, waitUntil: (p) => pending.push(p) });
    const records = makeRecords(3);
    for (const record of records) exporter.export(record);
    expect(pending).toHaveLength(1);
    await Promise.all(pending);
    verify(exporter, s, records, cap);
  });
});
