import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResourceMetric } from '@metrics/core';
import { LoopbackServer } from '../server/loopback-server.js';
import { sendJson } from '../server/send-json.js';
import { CancellableTimers } from '../server/timers.js';
import { checkAccess } from './access.js';
import { FaultQueue } from './faults.js';
import { ingest, readCappedBody } from './ingest.js';
import { RecordWaiters } from './record-waiters.js';
import { type Refusal, refusalBody } from './refusal.js';
import { SqliteStore } from './sqlite-store.js';
import type { Collector, CollectorOptions, CollectorRequest } from './types.js';

export type { Collector, CollectorOptions, CollectorRequest } from './types.js';

/** What the collector received and how it answers a request. */
class CollectorState {
  readonly records: ResourceMetric[] = [];
  readonly requests: CollectorRequest[] = [];
  readonly faults = new FaultQueue();
  readonly waiters = new RecordWaiters(this.records, this.requests);
  readonly timers = new CancellableTimers();
  readonly path: string;
  latencyMs: number;

  constructor(
    private readonly options: CollectorOptions,
    readonly store: SqliteStore | undefined,
  ) {
    this.path = options.path ?? '/v1/resourceMetrics';
    this.latencyMs = options.latencyMs ?? 0;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { data, bytes } = await readCappedBody(req);
    const entry: CollectorRequest = {
      method,
      path: url.pathname,
      headers: req.headers,
      body: undefined,
      bytes,
      status: 0,
      accepted: 0,
      receivedAt,
    };
    this.requests.push(entry);
    const refusal = await this.screen(req, entry);
    if (refusal === 'dropped') return;
    if (refusal) return this.refuse(res, entry, refusal);
    const result = ingest(req, data, entry);
    if (!Array.isArray(result)) return this.refuse(res, entry, result);
    this.records.push(...result);
    entry.accepted = result.length;
    this.waiters.wake();
    return this.answer(res, entry, this.options.successStatus ?? 200, { accepted: entry.accepted });
  }

  /** The checks before the payload is read: route, method, injected faults, credentials, origin. */
  private async screen(
    req: IncomingMessage,
    entry: CollectorRequest,
  ): Promise<Refusal | 'dropped' | undefined> {
    if (entry.path !== this.path)
      return { status: 404, error: `no endpoint at ${entry.path}; POST resourceMetrics to ${this.path}` };
    if (entry.method !== 'POST')
      return { status: 405, error: `use POST, not ${entry.method}`, headers: { allow: 'POST' } };
    const fault = this.faults.next();
    if (fault?.kind === 'drop') {
      entry.injected = 'drop';
      if (await this.timers.sleep(this.latencyMs)) req.socket.destroy();
      return 'dropped';
    }
    if (fault?.kind === 'fail') {
      entry.injected = 'fail';
      const headers: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      return { status: fault.status, error: `injected failure (failNext): HTTP ${fault.status}`, headers };
    }
    return checkAccess(this.options, req.headers);
  }

  private refuse(res: ServerResponse, entry: CollectorRequest, refusal: Refusal): Promise<void> {
    return this.answer(res, entry, refusal.status, refusalBody(refusal), refusal.headers, refusal.error);
  }

  /** Answers after the configured latency and persists the request (and its records) when storing. */
  private async answer(
    res: ServerResponse,
    entry: CollectorRequest,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    error?: string,
  ): Promise<void> {
    if (!(await this.timers.sleep(this.latencyMs))) return; // the collector closed meanwhile
    entry.status = status;
    if (error) entry.error = error;
    if (!res.destroyed) sendJson(res, status, body, headers);
    const { receivedAt, method, path, bytes } = entry;
    this.store?.save(
      { receivedAt, method, path, status, bytes, ...(error ? { error } : {}) },
      status < 300 ? this.records.slice(this.records.length - entry.accepted) : [],
    );
  }
}

function failureAnswer(res: ServerResponse, error: unknown): void {
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: 'Internal Server Error', message: `collector failed: ${String(error)}` }));
}

/** Starts the reference resourceMetrics ingestion collector on loopback. */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  if (options.user !== undefined && options.password === undefined)
    throw new TypeError('startCollector: user needs a password');
  const store = options.databasePath ? await SqliteStore.open(options.databasePath) : undefined;
  const state = new CollectorState(options, store);
  const server = new LoopbackServer('collector', (req, res) => state.handle(req, res), failureAnswer);
  const host = options.host ?? '127.0.0.1';
  const { port, url } = await server.listen(options.port ?? 0, host);
  let closed = false;
  return {
    url,
    port,
    endpoint: `${url}${state.path}`,
    records: state.records,
    requests: state.requests,
    get running() {
      return server.running;
    },
    failNext: (count, status, failOptions) => state.faults.failNext(count, status, failOptions),
    dropNext: (count) => state.faults.dropNext(count),
    setLatency(ms) {
      state.latencyMs = ms;
    },
    waitForRecords: (count, waitOptions = {}) => state.waiters.wait(count, waitOptions.timeoutMs ?? 5000),
    reset() {
      state.records.length = 0;
      state.requests.length = 0;
      state.faults.clear();
    },
    stop: () => server.close(),
    async start() {
      if (closed) throw new Error('collector: start() after close()');
      if (!server.running) await server.listen(port, host);
    },
    async close() {
      if (closed) return;
      closed = true;
      state.timers.cancelAll();
      state.waiters.abandonAll();
      await server.close();
      store?.close();
    },
  };
}
