import type { IncomingHttpHeaders } from 'node:http';
import type { ResourceMetric, ValidationIssue } from '@metrics/core';

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
