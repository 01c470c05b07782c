// Unit tests of the pieces the HTTP exporter is wired from (the exporter's own tests cover them together).
import { describe, expect, it } from 'vitest';
import type { ResourceMetric } from '../schema/resource-metric.js';
import { Batcher, type BatchPayload } from './batcher.js';
import { DeliveryQueue, type QueuedRecord } from './delivery-queue.js';
import type { DropReason } from './delivery-stats.js';
import { FlushWaiters } from './flush-waiters.js';
import { HttpTransport } from './http-transport.js';

const record = (seq: number, json?: string): QueuedRecord => ({
  seq,
  metric: json === undefined ? ({ n: seq } as unknown as ResourceMetric) : undefined,
  json,
  bytes: json?.length ?? 0,
});

function batcherFor(queue: DeliveryQueue, maxBatchSize: number, maxBatchBytes: number) {
  const drops: Array<{ reason: DropReason; detail: unknown }> = [];
  const batcher = new Batcher(
    queue,
    { maxBatchSize, maxBatchBytes },
    {
      drop: (reason, _count, data) => drops.push({ reason, detail: data.detail }),
      stopped: () => false,
      describe: (error) => String((error as Error).message),
    },
  );
  return { batcher, drops };
}

const decode = (payload: BatchPayload | undefined) =>
  payload && JSON.parse(new TextDecoder().decode(payload.body));

describe('DeliveryQueue', () => {
  it('drop-newest refuses the new record when full', () => {
    const queue = new DeliveryQueue(2, 'drop-newest');
    let dropped = 0;
    for (const seq of [1, 2, 3]) queue.push(record(seq), () => dropped++);
    expect(dropped).toBe(1);
    expect([queue.shift()?.seq, queue.shift()?.seq, queue.shift()]).toEqual([1, 2, undefined]);
  });

  it('drop-oldest removes the oldest waiting record to make room', () => {
    const queue = new DeliveryQueue(2, 'drop-oldest');
    let dropped = 0;
    for (const seq of [1, 2, 3]) queue.push(record(seq), () => dropped++);
    expect(dropped).toBe(1);
    expect(queue.oldestSeq()).toBe(2);
    expect(queue.count).toBe(2);
  });

  it('counts a batch being built as queued until it ends, and clears both parts apart', () => {
    const queue = new DeliveryQueue(10, 'drop-newest');
    for (const seq of [1, 2, 3]) queue.push(record(seq), () => {});
    const building = queue.startBatch();
    building.push(queue.shift()!);
    expect([queue.length, queue.count, queue.oldestSeq()]).toEqual([2, 3, 1]);
    expect([queue.clearWaiting(), queue.clearBatch(), building.length, queue.count]).toEqual([2, 1, 0, 0]);
    queue.endBatch();
    expect(queue.oldestSeq()).toBeUndefined();
  });

  it('keeps FIFO order across compactions', () => {
    const queue = new DeliveryQueue(100_000, 'drop-newest');
    for (let seq = 1; seq <= 5000; seq++) queue.push(record(seq), () => {});
    for (let seq = 1; seq <= 4000; seq++) expect(queue.shift()?.seq).toBe(seq);
    expect([queue.length, queue.peek()?.seq]).toEqual([1000, 4001]);
  });
});

describe('Batcher', () => {
  it('fills a batch up to the record limit, oldest first', async () => {
    const queue = new DeliveryQueue(100, 'drop-newest');
    for (let seq = 1; seq <= 5; seq++) queue.push(record(seq), () => {});
    const { batcher } = batcherFor(queue, 3, 1024);
    const payload = await batcher.build(false, (p) => p);
    expect(decode(payload)).toEqual({ resourceMetrics: [{ n: 1 }, { n: 2 }, { n: 3 }] });
    expect([payload?.count, payload?.minSeq, queue.count]).toEqual([3, 1, 2]);
  });

  it('stops at the byte limit exactly and drops a record that alone is over it', async () => {
    const queue = new DeliveryQueue(100, 'drop-newest');
    const overhead = '{"resourceMetrics":[]}'.length;
    const unserialized = (seq: number, value: string): QueuedRecord => ({
      seq,
      metric: value as unknown as ResourceMetric,
      json: undefined,
      bytes: 0,
    });
    queue.push(unserialized(1, 'x'.repeat(100)), () => {}); // too large alone
    queue.push(unserialized(2, 'a'), () => {});
    queue.push(unserialized(3, 'b'), () => {});
    queue.push(unserialized(4, 'c'), () => {});
    const { batcher, drops } = batcherFor(queue, 50, overhead + 7);
    const first = await batcher.build(false, (p) => p);
    expect(drops.map((d) => d.reason)).toEqual(['invalid']);
    expect(first?.body.length).toBe(overhead + 7);
    expect(decode(first)).toEqual({ resourceMetrics: ['a', 'b'] });
    expect(queue.peek()?.json).toBe('"c"');
  });

  it('drops a record that cannot be serialized and hands nothing off when the queue is empty', async () => {
    const queue = new DeliveryQueue(100, 'drop-newest');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    queue.push({ seq: 1, metric: cyclic as unknown as ResourceMetric, json: undefined, bytes: 0 }, () => {});
    const { batcher, drops } = batcherFor(queue, 50, 4096);
    let handed = 0;
    expect(await batcher.build(false, () => ++handed)).toBeUndefined();
    expect(handed).toBe(0);
    expect(drops[0]?.reason).toBe('invalid');
    expect(String(drops[0]?.detail)).toMatch(/^not serializable: /);
  });
});

describe('FlushWaiters', () => {
  it('resolves true once settled and false at its deadline', async () => {
    const waiters = new FlushWaiters();
    const settled = waiters.wait(1, undefined);
    const late = waiters.wait(2, 10);
    expect(waiters.active).toBe(true);
    waiters.check((target) => target <= 1);
    expect(await settled).toBe(true);
    expect(await late).toBe(false);
    expect(waiters.active).toBe(false);
  });
});

describe('HttpTransport', () => {
  const options = {
    url: 'http://127.0.0.1:9/x',
    headers: {},
    requestTimeoutMs: 50,
    maxResponseBytes: 1024,
    maxRetryAfterMs: 60_000,
  };
  const observer = {
    attempts: 0,
    status: 0,
    attempted() {
      this.attempts++;
    },
    answered(s: number) {
      this.status = s;
    },
  };
  const transportFor = (answer: (signal: AbortSignal) => Promise<Response>) =>
    new HttpTransport(
      { ...options, fetch: ((_url: string, init: RequestInit) => answer(init.signal!)) as typeof fetch },
      (text) => text.replaceAll('s3cr3t-token', '***'),
      observer,
    );

  it('maps statuses to outcomes, with Retry-After and a redacted body excerpt', async () => {
    const post = (status: number, body: string, headers: Record<string, string> = {}) =>
      transportFor(async () => new Response(body, { status, headers })).post(
        new Uint8Array(),
        new AbortController(),
      );
    expect(await post(202, '')).toEqual({ kind: 'ok', status: 202 });
    expect(await post(429, '', { 'retry-after': '2' })).toEqual({
      kind: 'retry',
      status: 429,
      retryAfterMs: 2000,
      reason: 'HTTP 429',
    });
    expect(await post(401, 'bad token s3cr3t-token')).toEqual({
      kind: 'final',
      status: 401,
      reason: '"bad token ***"',
    });
    expect(await post(400, '')).toEqual({ kind: 'final', status: 400, reason: 'no response body' });
    expect((await post(301, '')).kind).toBe('final');
    expect(observer.status).toBe(301);
  });

  it('tells a timeout, a network error and an abort from outside apart', async () => {
    const hang = (signal: AbortSignal) =>
      new Promise<Response>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    expect(await transportFor(hang).post(new Uint8Array(), new AbortController())).toEqual({
      kind: 'retry',
      reason: 'a timeout after 50 ms',
    });
    const refused = Object.assign(new Error('connect failed'), { cause: { code: 'ECONNREFUSED' } });
    const network = await transportFor(() => Promise.reject(refused)).post(
      new Uint8Array(),
      new AbortController(),
    );
    expect(network).toEqual({ kind: 'retry', reason: 'a network error (ECONNREFUSED)' });
    const controller = new AbortController();
    const pending = transportFor(hang).post(new Uint8Array(), controller);
    controller.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
  });
});

describe('the default entry', () => {
  const NODE_ONLY = /from ['"]node:|require\(|\bBuffer\b|setImmediate|\bprocess\./;
  const units = ['batch-sender', 'batcher', 'delivery-queue', 'delivery-stats', 'flush-waiters'];
  const config = ['http-credentials', 'http-endpoint', 'http-env', 'http-transport', 'safe-error-message'];

  async function codeOf(unit: string): Promise<string> {
    const { readFile } = await import('node:fs/promises');
    const text = await readFile(new URL(`./${unit}.ts`, import.meta.url), 'utf8');
    return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  }

  it('uses no Node-only module in the delivery units', async () => {
    const offenders: string[] = [];
    for (const unit of [...units, ...config]) if (NODE_ONLY.test(await codeOf(unit))) offenders.push(unit);
    expect(offenders).toEqual([]);
  });
});
