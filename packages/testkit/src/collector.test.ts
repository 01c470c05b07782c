import { gzipSync } from 'node:zlib';
import type { ResourceMetric } from '@metrics/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Collector, startCollector } from './index.js';

const TOKEN = 'secret-token';

function record(overrides: Record<string, unknown> = {}): ResourceMetric {
  return {
    extAccountAliasId: '00000000-0000-4000-8000-000000000000',
    providerType: 'CUSTOM_PROVIDER',
    operation: 'InvokeAgent',
    sessionId: crypto.randomUUID(),
    schemaVersion: '1.0.0',
    time: 1_760_000_000_000,
    ...overrides,
  } as ResourceMetric;
}

function full(): ResourceMetric {
  return record({
    extModelId: 'gpt-4o',
    promptType: 'CHAT',
    totalTime: 1234.5,
    ttft: 120,
    modelLatency: 800.25,
    modelInvocationCount: 2,
    inputTokenCount: 220,
    outputTokenCount: 40,
    invocationServerErrors: 0,
    invocationClientErrors: 0,
    modelInvocationThrottles: 1,
    modelInvocationClientErrors: 0,
    modelInvocationServerErrors: 0,
    modelInvocationUnknownErrors: 0,
    guardrailHits: 0,
    tools: [
      { toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ],
  });
}

let collector: Collector;

async function post(body: unknown, init: { headers?: Record<string, string>; raw?: string | Buffer } = {}) {
  const response = await fetch(collector.endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...init.headers },
    body: init.raw ?? JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

beforeAll(async () => {
  collector = await startCollector({ token: TOKEN });
});
afterAll(() => collector.close());
afterEach(() => collector.reset());

describe('collector: valid payloads', () => {
  it('accepts a minimal record and keeps it', async () => {
    const r = record();
    const res = await post({ resourceMetrics: [r] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1 });
    expect(collector.records).toEqual([r]);
    expect(collector.requests[0]).toMatchObject({ status: 200, accepted: 1, method: 'POST' });
  });

  it('accepts a record with every optional field, every prompt type and 50 records at once', async () => {
    const records = [
      full(),
      record({ promptType: 'COMPLETION' }),
      record({ promptType: 'Manual', providerType: 'LANGGRAPH' }),
      ...Array.from({ length: 47 }, () => record({ providerType: 'AISDK' })),
    ];
    const res = await post({ resourceMetrics: records });
    expect(res.status).toBe(200);
    expect(collector.records).toHaveLength(50);
    expect(collector.records[0]).toEqual(records[0]);
  });

  it('accepts a gzip-encoded body', async () => {
    const res = await post(undefined, {
      raw: gzipSync(JSON.stringify({ resourceMetrics: [record()] })),
      headers: { 'content-encoding': 'gzip' },
    });
    expect(res.status).toBe(200);
    expect(collector.records).toHaveLength(1);
  });

  it('waits for records that arrive later', async () => {
    const waiting = collector.waitForRecords(2, { timeoutMs: 2000 });
    await post({ resourceMetrics: [record()] });
    await post({ resourceMetrics: [record()] });
    expect(await waiting).toHaveLength(2);
    await expect(collector.waitForRecords(3, { timeoutMs: 20 })).rejects.toThrow(
      /waited 20 ms for 3 records, got 2/,
    );
  });
});

describe('collector: invalid payloads', () => {
  it.each<[string, unknown, RegExp]>([
    ['a body that is not an object', [record()], /resourceMetrics array/],
    ['a missing resourceMetrics', {}, /resourceMetrics must be an array/],
    ['an empty batch', { resourceMetrics: [] }, /at least one record/],
    ['an unknown top-level field', { resourceMetrics: [record()], extra: 1 }, /extra is not a field/],
    [
      'a missing required field',
      { resourceMetrics: [record({ operation: undefined })] },
      /operation is required/,
    ],
    [
      'a bad provider type',
      { resourceMetrics: [record({ providerType: 'NOPE' })] },
      /providerType must be one of/,
    ],
    ['a non-UUID sessionId', { resourceMetrics: [record({ sessionId: 'conversation-1' })] }, /UUID v4/],
    [
      'a wrong schemaVersion',
      { resourceMetrics: [record({ schemaVersion: '2.0.0' })] },
      /schemaVersion must be "1.0.0"/,
    ],
    ['time in seconds', { resourceMetrics: [record({ time: 1_760_000_000 })] }, /13-digit integer/],
    [
      'a negative count',
      { resourceMetrics: [record({ inputTokenCount: -1 })] },
      /inputTokenCount must not be negative/,
    ],
    [
      'a fractional count',
      { resourceMetrics: [record({ outputTokenCount: 1.5 })] },
      /outputTokenCount must be an integer/,
    ],
    ['a string duration', { resourceMetrics: [record({ totalTime: '12' })] }, /totalTime must be a number/],
    ['a bad prompt type', { resourceMetrics: [record({ promptType: 'chat' })] }, /promptType must be one of/],
    [
      'an unknown record field',
      { resourceMetrics: [record({ cacheReadTokens: 3 })] },
      /cacheReadTokens is not a ResourceMetric field/,
    ],
    [
      'inconsistent tool counts',
      {
        resourceMetrics: [
          record({ tools: [{ toolType: 'api', toolCalls: 3, successCount: 1, failureCount: 1 }] }),
        ],
      },
      /must equal toolCalls/,
    ],
    [
      'a bad tool type',
      {
        resourceMetrics: [
          record({ tools: [{ toolType: 'rest', toolCalls: 1, successCount: 1, failureCount: 0 }] }),
        ],
      },
      /toolType must be one of api, mcp/,
    ],
    [
      'a duplicate tool type',
      {
        resourceMetrics: [
          record({
            tools: [
              { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
              { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
            ],
          }),
        ],
      },
      /appears twice/,
    ],
  ])('rejects %s with 400 and says why', async (_name, body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
    expect(res.body.issues.length).toBeGreaterThan(0);
    expect(res.body.issues[0]).toMatchObject({ path: expect.any(String), rule: expect.any(String) });
    expect(collector.records).toEqual([]);
    expect(collector.requests[0]?.status).toBe(400);
  });

  it('names the failing record and field by path', async () => {
    const res = await post({ resourceMetrics: [record(), record({ time: 'now' })] });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      expect.objectContaining({ path: 'resourceMetrics[1].time', rule: 'epoch-ms' }),
    ]);
    expect(collector.records).toEqual([]);
  });

  it('rejects invalid JSON and a non-JSON content type', async () => {
    expect((await post(undefined, { raw: '{"resourceMetrics": [' })).body.message).toMatch(/not valid JSON/);
    const res = await post({ resourceMetrics: [record()] }, { headers: { 'content-type': 'text/plain' } });
    expect(res.status).toBe(415);
  });
});

describe('collector: limits', () => {
  it('rejects 51 records with 400', async () => {
    const res = await post({ resourceMetrics: Array.from({ length: 51 }, () => record()) });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/holds 51 records; at most 50/);
    expect(res.body.limitRecords).toBe(50);
  });

  it('rejects a body past 5 MB with 413, and accepts one just under', async () => {
    const big = 'x'.repeat(5 * 1024 * 1024);
    const over = await post(undefined, { raw: big + big.slice(0, 10) });
    expect(over.status).toBe(413);
    expect(over.body.message).toMatch(/larger than 5242880 bytes/);
    // A valid body of exactly 5 MB: pad with JSON whitespace.
    const json = JSON.stringify({ resourceMetrics: [record()] });
    const exact = await post(undefined, {
      raw: json + ' '.repeat(5 * 1024 * 1024 - Buffer.byteLength(json)),
    });
    expect(exact.status).toBe(200);
  });
});

describe('collector: auth', () => {
  it('answers 401 without or with wrong credentials', async () => {
    const none = await post({ resourceMetrics: [record()] }, { headers: { authorization: '' } });
    expect(none.status).toBe(401);
    expect(none.body.message).toMatch(/missing Authorization/);
    const wrong = await post({ resourceMetrics: [record()] }, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.message).not.toContain(TOKEN);
    expect(collector.records).toEqual([]);
  });

  it('accepts Basic user + password when configured, and answers 202 when asked', async () => {
    const basic = await startCollector({
      user: 'BOOMI_TOKEN.me@example.com',
      password: 'pw',
      successStatus: 202,
    });
    try {
      const ok = await fetch(basic.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('BOOMI_TOKEN.me@example.com:pw').toString('base64')}`,
        },
        body: JSON.stringify({ resourceMetrics: [record()] }),
      });
      expect(ok.status).toBe(202);
      const bad = await fetch(basic.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('me:pw').toString('base64')}`,
        },
        body: JSON.stringify({ resourceMetrics: [record()] }),
      });
      expect(bad.status).toBe(401);
      expect(basic.records).toHaveLength(1);
    } finally {
      await basic.close();
    }
  });

  it('requires the configured Origin with 403 otherwise', async () => {
    const withOrigin = await startCollector({ token: TOKEN, origin: 'https://agents.example.com' });
    try {
      const send = (headers: Record<string, string>) =>
        fetch(withOrigin.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
          body: JSON.stringify({ resourceMetrics: [record()] }),
        });
      const missing = await send({});
      expect(missing.status).toBe(403);
      expect(((await missing.json()) as { message: string }).message).toMatch(/missing Origin header/);
      expect((await send({ origin: 'https://other.example.com' })).status).toBe(403);
      expect((await send({ origin: 'https://agents.example.com' })).status).toBe(200);
      expect(withOrigin.records).toHaveLength(1);
    } finally {
      await withOrigin.close();
    }
  });

  it('rejects a pending waitForRecords when it closes', async () => {
    const short = await startCollector();
    const waiting = short.waitForRecords(1, { timeoutMs: 60_000 });
    await short.close();
    await expect(waiting).rejects.toThrow(/closed while waiting/);
  });

  it('answers 404 elsewhere and 405 for other methods', async () => {
    expect((await fetch(`${collector.url}/elsewhere`, { method: 'POST' })).status).toBe(404);
    expect((await fetch(collector.endpoint)).status).toBe(405);
  });
});

describe('collector: fault injection', () => {
  it('fails the next n requests with the given status and Retry-After, then recovers', async () => {
    collector.failNext(2, 503, { retryAfter: 2 });
    const first = await post({ resourceMetrics: [record()] });
    const second = await post({ resourceMetrics: [record()] });
    const third = await post({ resourceMetrics: [record()] });
    expect([first.status, second.status, third.status]).toEqual([503, 503, 200]);
    expect(first.headers.get('retry-after')).toBe('2');
    expect(collector.records).toHaveLength(1);
    expect(collector.requests.map((r) => r.injected)).toEqual(['fail', 'fail', undefined]);
  });

  it('drops connections', async () => {
    collector.dropNext(1);
    await expect(post({ resourceMetrics: [record()] })).rejects.toThrow();
    expect((await post({ resourceMetrics: [record()] })).status).toBe(200);
  });

  it('adds latency', async () => {
    collector.setLatency(100);
    const start = performance.now();
    await post({ resourceMetrics: [record()] });
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
    collector.setLatency(0);
  });

  it('goes down and comes back on the same port', async () => {
    await collector.stop();
    expect(collector.running).toBe(false);
    await expect(post({ resourceMetrics: [record()] })).rejects.toThrow();
    await collector.start();
    expect((await post({ resourceMetrics: [record()] })).status).toBe(200);
    expect(collector.records).toHaveLength(1);
  });
});
