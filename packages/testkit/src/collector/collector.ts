import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';
import {
  MAX_RECORDS_PER_REQUEST,
  MAX_REQUEST_BYTES,
  type ResourceMetric,
  type ValidationIssue,
  validateResourceMetricsPayload,
} from '@metrics/core';
import { SqliteStore } from './sqlite-store.js';

export interface CollectorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Address to listen on; loopback by default. */
  host?: string;
  /** Path of the ingestion endpoint; `/v1/resourceMetrics` by default. */
  path?: string;
  /** Accepts `Authorization: Bearer <token>`. */
  token?: string;
  /** With `password`: accepts `Authorization: Basic base64(user:password)`. */
  user?: string;
  password?: string;
  /** When set, requests must carry `Origin: <origin>` (403 otherwise). */
  origin?: string;
  /** Status of a successful answer: 200 (default) or 202. */
  successStatus?: 200 | 202;
  /** Added to every answer, in milliseconds. */
  latencyMs?: number;
  /** Persists what was received to this SQLite file (needs `node:sqlite`). */
  databasePath?: string;
}

export interface CollectorRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (raw text when it is not JSON; `undefined` past the size limit). */
  body: unknown;
  /** Size of the (decompressed) body in bytes. */
  bytes: number;
  /** Status answered; 0 when the connection was dropped on purpose. */
  status: number;
  /** Records accepted from this request. */
  accepted: number;
  /** Validation issues, when the payload was rejected as invalid. */
  issues?: ValidationIssue[];
  /** Why the request was refused, in a sentence. */
  error?: string;
  /** Set when the answer came from `failNext` / `dropNext`. */
  injected?: 'fail' | 'drop';
  receivedAt: number;
}

export interface Collector {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  readonly port: number;
  /** Full URL to POST `{"resourceMetrics": [...]}` to. */
  readonly endpoint: string;
  /** Every record accepted so far. */
  readonly records: ResourceMetric[];
  /** Every request, with the status returned. */
  readonly requests: CollectorRequest[];
  /** The next `count` requests get `status` (with `Retry-After` when given), before any other check. */
  failNext(count: number, status: number, options?: { retryAfter?: number | string }): void;
  /** The next `count` requests get their connection destroyed without an answer. */
  dropNext(count: number): void;
  /** Latency added to every answer from now on. */
  setLatency(ms: number): void;
  /** Resolves with the accepted records once at least `count` arrived; rejects after `timeoutMs` (5000). */
  waitForRecords(count: number, options?: { timeoutMs?: number }): Promise<ResourceMetric[]>;
  /** Forgets records, requests and pending faults. */
  reset(): void;
  /** Goes down (connections refused) until `start()`. */
  stop(): Promise<void>;
  /** Comes back on the same port. */
  start(): Promise<void>;
  readonly running: boolean;
  close(): Promise<void>;
}

type Fault = { kind: 'fail'; status: number; retryAfter?: number | string } | { kind: 'drop' };

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** Starts the reference resourceMetrics ingestion collector on loopback. */
export async function startCollector(options: CollectorOptions = {}): Promise<Collector> {
  if (options.user !== undefined && options.password === undefined)
    throw new TypeError('startCollector: user needs a password');
  const path = options.path ?? '/v1/resourceMetrics';
  const successStatus = options.successStatus ?? 200;
  const records: ResourceMetric[] = [];
  const requests: CollectorRequest[] = [];
  const faults: Fault[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const waiters = new Set<() => void>();
  const abandon = new Set<() => void>();
  let latencyMs = options.latencyMs ?? 0;
  const store = options.databasePath ? await SqliteStore.open(options.databasePath) : undefined;
  const authRequired = options.token !== undefined || options.user !== undefined;

  const authorized = (header: string | undefined): boolean => {
    if (!authRequired) return true;
    if (!header) return false;
    const [scheme, value = ''] = header.split(/\s+/, 2);
    if (options.token !== undefined && scheme?.toLowerCase() === 'bearer')
      return safeEqual(value, options.token);
    if (options.user !== undefined && scheme?.toLowerCase() === 'basic') {
      const decoded = Buffer.from(value, 'base64').toString('utf8');
      return safeEqual(decoded, `${options.user}:${options.password}`);
    }
    return false;
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve();
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  const readBody = async (req: IncomingMessage): Promise<{ data?: Buffer; bytes: number }> => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of req) {
      bytes += (chunk as Buffer).length;
      if (bytes <= MAX_REQUEST_BYTES) chunks.push(chunk as Buffer);
    }
    return bytes <= MAX_REQUEST_BYTES ? { data: Buffer.concat(chunks), bytes } : { bytes };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const receivedAt = Date.now();
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://localhost');
    const { data, bytes: wireBytes } = await readBody(req);
    const entry: CollectorRequest = {
      method,
      path: url.pathname,
      headers: req.headers,
      body: undefined,
      bytes: wireBytes,
      status: 0,
      accepted: 0,
      receivedAt,
    };
    requests.push(entry);

    const answer = async (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
      error?: string,
    ) => {
      await delay(latencyMs);
      entry.status = status;
      if (error) entry.error = error;
      const text = JSON.stringify(body);
      if (!res.destroyed) {
        res.writeHead(status, {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(text),
          ...headers,
        });
        res.end(text);
      }
      store?.save(
        { receivedAt, method, path: entry.path, status, bytes: entry.bytes, ...(error ? { error } : {}) },
        status < 300 ? records.slice(records.length - entry.accepted) : [],
      );
    };
    const refuse = (
      status: number,
      error: string,
      extra: Record<string, unknown> = {},
      headers: Record<string, string> = {},
    ) =>
      answer(
        status,
        { error: STATUS_TEXT[status] ?? `HTTP ${status}`, message: error, ...extra },
        headers,
        error,
      );

    if (url.pathname !== path)
      return refuse(404, `no endpoint at ${url.pathname}; POST resourceMetrics to ${path}`);
    if (method !== 'POST') return refuse(405, `use POST, not ${method}`, {}, { allow: 'POST' });

    const fault = faults.shift();
    if (fault?.kind === 'drop') {
      entry.injected = 'drop';
      await delay(latencyMs);
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'fail') {
      entry.injected = 'fail';
      return refuse(
        fault.status,
        `injected failure (failNext): HTTP ${fault.status}`,
        {},
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {},
      );
    }

    if (!authorized(req.headers.authorization)) {
      const schemes = [
        options.token !== undefined ? 'Bearer' : undefined,
        options.user !== undefined ? 'Basic' : undefined,
      ]
        .filter(Boolean)
        .join(' or ');
      return refuse(
        401,
        req.headers.authorization
          ? `the Authorization header was not accepted (expected ${schemes} credentials)`
          : `missing Authorization header (expected ${schemes})`,
        {},
        { 'www-authenticate': options.token !== undefined ? 'Bearer' : 'Basic realm="resourceMetrics"' },
      );
    }
    if (options.origin !== undefined && req.headers.origin !== options.origin)
      return refuse(
        403,
        req.headers.origin === undefined
          ? `missing Origin header (expected ${options.origin})`
          : `Origin ${JSON.stringify(req.headers.origin)} is not allowed (expected ${options.origin})`,
      );
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/([\w.+-]*\+)?json\b/i.test(contentType))
      return refuse(
        415,
        `Content-Type must be application/json, got ${contentType === '' ? 'none' : JSON.stringify(contentType)}`,
      );

    let body = data;
    if (body && /^gzip$/i.test(req.headers['content-encoding'] ?? '')) {
      try {
        body = gunzipSync(body, { maxOutputLength: MAX_REQUEST_BYTES + 1 });
      } catch (error) {
        const tooLarge = (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
        if (!tooLarge)
          return refuse(400, `the gzip body could not be decompressed: ${(error as Error).message}`);
        body = undefined;
      }
      entry.bytes = body?.length ?? MAX_REQUEST_BYTES + 1;
    }
    if (!body || body.length > MAX_REQUEST_BYTES)
      return refuse(413, `the body is larger than ${MAX_REQUEST_BYTES} bytes (5 MB); split the batch`, {
        limitBytes: MAX_REQUEST_BYTES,
      });
    const text = body.toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      entry.body = text;
      return refuse(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
    entry.body = parsed;
    const result = validateResourceMetricsPayload(parsed);
    if (!result.ok) {
      entry.issues = result.issues;
      const shown = result.issues.slice(0, 20).map((issue) => issue.message);
      const more =
        result.issues.length > shown.length ? ` (and ${result.issues.length - shown.length} more)` : '';
      const tooMany = result.issues.some((issue) => issue.rule === 'max-records');
      return refuse(400, `invalid resourceMetrics payload: ${shown.join('; ')}${more}`, {
        issues: result.issues,
        ...(tooMany ? { limitRecords: MAX_RECORDS_PER_REQUEST } : {}),
      });
    }
    records.push(...result.value.resourceMetrics);
    entry.accepted = result.value.resourceMetrics.length;
    for (const wake of [...waiters]) wake();
    return answer(successStatus, { accepted: entry.accepted });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: 'Internal Server Error', message: `collector failed: ${String(error)}` }),
        );
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  let running = false;
  let port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        running = true;
        resolve();
      });
    });
  const shutdown = async () => {
    if (!running) return;
    running = false;
    const done = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await done;
  };

  await listen();
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('collector has no TCP address');
  port = address.port;
  const base = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${port}`;
  let closed = false;

  return {
    url: base,
    port,
    endpoint: `${base}${path}`,
    records,
    requests,
    get running() {
      return running;
    },
    failNext(count, status, failOptions = {}) {
      if (!Number.isInteger(status) || status < 100 || status > 599)
        throw new TypeError(`failNext: status must be an HTTP status, got ${status}`);
      for (let i = 0; i < count; i++)
        faults.push({
          kind: 'fail',
          status,
          ...(failOptions.retryAfter !== undefined ? { retryAfter: failOptions.retryAfter } : {}),
        });
    },
    dropNext(count) {
      for (let i = 0; i < count; i++) faults.push({ kind: 'drop' });
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    waitForRecords(count, waitOptions = {}) {
      const timeoutMs = waitOptions.timeoutMs ?? 5000;
      if (records.length >= count) return Promise.resolve(records.slice());
      return new Promise((resolve, reject) => {
        const check = () => {
          if (records.length >= count) {
            clearTimeout(timer);
            waiters.delete(check);
            abandon.delete(giveUp);
            resolve(records.slice());
          }
        };
        const giveUp = () => {
          clearTimeout(timer);
          waiters.delete(check);
          reject(new Error(`collector closed while waiting for ${count} records (got ${records.length})`));
        };
        abandon.add(giveUp);
        const timer = setTimeout(() => {
          waiters.delete(check);
          abandon.delete(giveUp);
          reject(
            new Error(
              `collector: waited ${timeoutMs} ms for ${count} records, got ${records.length} (requests: ${requests
                .map((r) => r.status)
                .join(', ')})`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
      });
    },
    reset() {
      records.length = 0;
      requests.length = 0;
      faults.length = 0;
    },
    stop: shutdown,
    async start() {
      if (closed) throw new Error('collector: start() after close()');
      if (!running) await listen();
    },
    async close() {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const giveUp of [...abandon]) giveUp();
      await shutdown();
      store?.close();
    },
  };
}
