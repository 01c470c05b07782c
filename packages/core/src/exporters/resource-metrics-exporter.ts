import { NOT_A_MODEL_CALL, runInAttemptScope } from '../attempts/attempt-scope.js';
import type { Diagnostics } from '../diagnostics.js';
import { classifyError } from '../errors/classify-error.js';
import { ValidationError } from '../errors/metrics-error.js';
import type { InvocationExporter } from '../exporter.js';
import { toResourceMetric } from '../payload/to-resource-metric.js';
import type { InvocationRecord } from '../recorder/record.js';
import type { ResourceMetric } from '../schema/resource-metric.js';
import { type ValidationIssue, validateResourceMetric } from '../schema/validate-resource-metric.js';
import {
  type ResolvedResourceMetricsExporterOptions,
  type ResourceMetricsExporterOptions,
  resolveResourceMetricsExporterOptions,
} from './http-config.js';
import { readCapped, utf8Length } from './bytes.js';
import { INSPECT } from './hide-secrets.js';
import { createRedactor } from './redact.js';
import { backoffDelay, isRetryableStatus, parseRetryAfter } from './retry-policy.js';
import { type Timer, refTimer, startTimer, yieldToEventLoop } from './timers.js';

/** Why a record was not delivered. Every accepted record ends delivered or dropped for one of these. */
export type DropReason =
  /** The queue held `maxQueueSize` records (see `dropPolicy`). */
  | 'queue_full'
  /** The record broke the resourceMetrics schema, or serialized to more than the request limit. */
  | 'invalid'
  /** The endpoint answered a final status (400, 401, 403, 413, a redirect, ...). */
  | 'rejected'
  /** Retryable failures (429/5xx/timeout/network) outlasted `maxRetries`. */
  | 'retries_exhausted'
  /** Still queued or in flight when the `shutdown()` deadline passed. */
  | 'shutdown_timeout'
  /** Exported after `shutdown()` began. */
  | 'after_shutdown';

export const DROP_REASONS: readonly DropReason[] = [
  'queue_full',
  'invalid',
  'rejected',
  'retries_exhausted',
  'shutdown_timeout',
  'after_shutdown',
];

/** The diagnostic event types the HTTP exporter emits (see docs/delivery.md). */
export const DELIVERY_EVENT_TYPES = {
  /** debug: a batch was answered 2xx (`records`, `bytes`, `status`, `attempt`). */
  sent: 'delivery.sent',
  /** debug: an attempt failed retryably; the batch waits `delayMs` (`records`, `attempt`, `delayMs`, `status`?). */
  retry: 'delivery.retry',
  /** warn: the endpoint answered a final status (`records`, `status`); the message holds its body excerpt. */
  rejected: 'delivery.rejected',
  /** warn: records were dropped (`reason`, `count`, `status`?, `detail`?). */
  dropped: 'record.dropped',
} as const;

/**
 * A snapshot of the exporter's accounting. Always:
 * `accepted = delivered + Σ dropped + queued + inFlight`.
 */
export interface DeliveryStats {
  /** Every record handed to `export()`/`exportResourceMetric()`, valid or not. */
  accepted: number;
  /** Records in a request the endpoint answered with 2xx. */
  delivered: number;
  dropped: Record<DropReason, number>;
  /** Waiting to be put in a request (including a batch being serialized). */
  queued: number;
  /** In a request being sent, or waiting between retries. */
  inFlight: number;
  /** HTTP attempts: made, answered 2xx, retried, and failed finally. */
  requests: { attempts: number; succeeded: number; retries: number; failed: number };
  /** The last status the endpoint answered, if any. */
  lastStatus?: number;
}

interface Entry {
  seq: number;
  metric: ResourceMetric | undefined;
  /** The serialized record and its UTF-8 length, once serialized (off the caller's stack). */
  json: string | undefined;
  bytes: number;
}

interface Batch {
  count: number;
  minSeq: number;
  body: Uint8Array;
  done: boolean;
  controller: AbortController | undefined;
  sleepTimer: Timer | undefined;
  wake: (() => void) | undefined;
}

type Attempt =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; reason: string }
  | { kind: 'final'; status: number; reason: string }
  | { kind: 'aborted' };

const SOURCE = 'http-exporter';
const PREFIX = new TextEncoder().encode('{"resourceMetrics":[');
const SUFFIX = new TextEncoder().encode(']}');
const COMMA = 0x2c;
/** The longest synchronous slice of serialization before yielding to the event loop. */
const SLICE_MS = 2;
const BODY_EXCERPT = 300;
/** How much of an error body is redacted and then cut to `BODY_EXCERPT`. */
const REDACT_WINDOW = 2048;

function issuesText(issues: readonly ValidationIssue[]): string {
  const first = issues.slice(0, 3).map((issue) => issue.message);
  return first.join('; ') + (issues.length > 3 ? ` (and ${issues.length - 3} more)` : '');
}

/**
 * Delivers finished invocations to the resourceMetrics ingestion endpoint: converted and
 * validated when exported, queued (bounded), batched (≤ 50 records, ≤ 5 MiB), sent off the
 * caller's stack with bounded concurrency, retried with backoff on retryable failures only, and
 * every record accounted for. Uses only web-standard APIs (`fetch`, `AbortController`,
 * `TextEncoder`, timers), so it runs on Node, Deno, Bun and edge runtimes.
 */
export class ResourceMetricsExporter implements InvocationExporter {
  readonly name = 'resource-metrics';
  readonly options: ResolvedResourceMetricsExporterOptions;
  private readonly redact: (text: string) => string;
  private readonly encoder = new TextEncoder();

  private queue: Entry[] = [];
  private queueHead = 0;
  private building: Entry[] | undefined;
  private readonly inFlight = new Set<Batch>();
  private seq = 0;
  /** Records with `seq` up to this are due now (the batch delay passed, or a flush asked). */
  private dueThrough = 0;
  private delayTimer: Timer | undefined;
  private kickScheduled = false;
  private pumping = false;
  private closing = false;
  private deadlinePassed = false;
  private shutdownPromise: Promise<void> | undefined;
  private waiters: Array<{ target: number; resolve: (ok: boolean) => void }> = [];
  private waitUntilActive = false;
  private pausedUntil = 0;

  private delivered = 0;
  private readonly dropped: Record<DropReason, number> = {
    queue_full: 0,
    invalid: 0,
    rejected: 0,
    retries_exhausted: 0,
    shutdown_timeout: 0,
    after_shutdown: 0,
  };
  private readonly requests = { attempts: 0, succeeded: 0, retries: 0, failed: 0 };
  private lastStatus: number | undefined;

  constructor(options: ResourceMetricsExporterOptions = {}) {
    this.options = resolveResourceMetricsExporterOptions(options);
    this.redact = createRedactor(this.options.secrets);
  }

  get diagnostics(): Diagnostics {
    return this.options.diagnostics;
  }

  /** What `util.inspect`/`console.log` show: where it sends and its accounting, never a credential. */
  [INSPECT](): Record<string, unknown> {
    return {
      name: this.name,
      endpoint: `${this.options.endpointOrigin}/…`,
      auth: this.options.auth,
      stats: this.stats(),
    };
  }

  toJSON(): Record<string, unknown> {
    return this[INSPECT]();
  }

  /** Converts, validates and queues a finished invocation. Synchronous, O(1), never throws. */
  export(record: InvocationRecord): void {
    this.seq++;
    if (this.closing) {
      this.drop('after_shutdown', 1);
      return;
    }
    let metric: ResourceMetric;
    try {
      const { accountId, providerType, promptType } = this.options;
      metric = toResourceMetric(record, {
        accountId,
        ...(providerType ? { providerType } : {}),
        ...(promptType ? { promptType } : {}),
      });
    } catch (error) {
      const message = error instanceof ValidationError ? issuesText(error.issues) : this.safeMessage(error);
      this.drop('invalid', 1, { detail: this.redact(message) });
      return;
    }
    this.enqueue(metric);
  }

  /** Queues an already-built resourceMetrics record (validated first; an invalid one is dropped and counted). */
  exportResourceMetric(metric: ResourceMetric): void {
    this.seq++;
    if (this.closing) {
      this.drop('after_shutdown', 1);
      return;
    }
    const result = validateResourceMetric(metric);
    if (!result.ok) {
      this.drop('invalid', 1, { detail: this.redact(issuesText(result.issues)) });
      return;
    }
    this.enqueue(result.value);
  }

  private enqueue(metric: ResourceMetric): void {
    if (this.queuedCount() >= this.options.maxQueueSize) {
      if (this.options.dropPolicy === 'drop-newest' || this.queueLength() === 0) {
        this.drop('queue_full', 1);
        return;
      }
      this.shift();
      this.drop('queue_full', 1);
    }
    this.queue.push({ seq: this.seq, metric, json: undefined, bytes: 0 });
    if (this.options.waitUntil && !this.waitUntilActive) this.startWaitUntil(this.options.waitUntil);
    this.schedule();
  }

  /**
   * Sends everything exported before the call; resolves when all of it was delivered or finally
   * dropped (or when `timeoutMs` passed, if given). Never rejects.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    await this.drain(options);
  }

  /** Like `flush()`, resolving `true` when everything exported before the call settled, `false` on timeout. */
  drain(options: { timeoutMs?: number } = {}): Promise<boolean> {
    const target = this.seq;
    if (this.settledThrough(target)) return Promise.resolve(true);
    this.dueThrough = Math.max(this.dueThrough, target);
    // While someone waits, pending retry sleeps keep the process alive.
    for (const batch of this.inFlight) refTimer(batch.sleepTimer);
    return new Promise<boolean>((resolve) => {
      let timer: Timer | undefined;
      const waiter = {
        target,
        resolve: (ok: boolean) => {
          if (timer) clearTimeout(timer);
          resolve(ok);
        },
      };
      this.waiters.push(waiter);
      if (options?.timeoutMs !== undefined) {
        timer = startTimer(
          () => {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            resolve(false);
          },
          Math.max(0, options.timeoutMs),
          true,
        );
      }
      queueMicrotask(() => void this.pump());
    });
  }

  /**
   * Refuses new records (counted as `after_shutdown`), flushes, and at the deadline
   * (`timeoutMs`, default `shutdownTimeoutMs`) aborts what is left, counted as
   * `shutdown_timeout`. Idempotent: later calls return the same promise. Never rejects.
   */
  shutdown(options: { timeoutMs?: number } = {}): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    this.closing = true;
    if (this.delayTimer) clearTimeout(this.delayTimer);
    this.delayTimer = undefined;
    const timeoutMs = options?.timeoutMs ?? this.options.shutdownTimeoutMs;
    this.shutdownPromise = this.drain({ timeoutMs }).then((ok) => {
      if (!ok) this.abandonAll();
    });
    return this.shutdownPromise;
  }

  /** The accounting snapshot (see `DeliveryStats`). */
  stats(): DeliveryStats {
    const stats: DeliveryStats = {
      accepted: this.seq,
      delivered: this.delivered,
      dropped: { ...this.dropped },
      queued: this.queuedCount(),
      inFlight: this.inFlightCount(),
      requests: { ...this.requests },
    };
    if (this.lastStatus !== undefined) stats.lastStatus = this.lastStatus;
    return stats;
  }

  // ---- queue -------------------------------------------------------------------------------

  private queueLength(): number {
    return this.queue.length - this.queueHead;
  }

  private queuedCount(): number {
    return this.queueLength() + (this.building?.length ?? 0);
  }

  private inFlightCount(): number {
    let count = 0;
    for (const batch of this.inFlight) if (!batch.done) count += batch.count;
    return count;
  }

  private peek(): Entry | undefined {
    return this.queue[this.queueHead];
  }

  private shift(): Entry | undefined {
    const entry = this.queue[this.queueHead];
    if (entry === undefined) return undefined;
    this.queue[this.queueHead] = undefined as unknown as Entry;
    this.queueHead++;
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    } else if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.queueHead);
      this.queueHead = 0;
    }
    return entry;
  }

  private settledThrough(target: number): boolean {
    const head = this.building?.[0] ?? this.peek();
    if (head !== undefined && head.seq <= target) return false;
    for (const batch of this.inFlight) if (!batch.done && batch.minSeq <= target) return false;
    return true;
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    const done: typeof this.waiters = [];
    for (const waiter of this.waiters) (this.settledThrough(waiter.target) ? done : still).push(waiter);
    this.waiters = still;
    for (const waiter of done) waiter.resolve(true);
  }

  private startWaitUntil(waitUntil: (promise: Promise<unknown>) => void): void {
    this.waitUntilActive = true;
    const loop = async () => {
      try {
        while (!this.settledThrough(this.seq)) await this.flush();
      } finally {
        this.waitUntilActive = false;
      }
    };
    try {
      waitUntil(loop());
    } catch (error) {
      this.options.diagnostics.reportError(SOURCE, error, 'waitUntil threw');
    }
  }

  // ---- scheduling ----------------------------------------------------------------------------

  private isDue(): boolean {
    const head = this.peek();
    if (head === undefined) return false;
    return this.closing || head.seq <= this.dueThrough || this.queueLength() >= this.options.maxBatchSize;
  }

  /** Starts a send soon if a batch is due, else arms the batch-delay timer. Never on the caller's stack. */
  private schedule(): void {
    if (this.queueLength() === 0 || this.pumping) return;
    if (this.isDue()) {
      if (this.inFlight.size < this.options.maxConcurrentRequests && !this.kickScheduled) {
        this.kickScheduled = true;
        startTimer(
          () => {
            this.kickScheduled = false;
            void this.pump();
          },
          0,
          this.waiters.length > 0,
        );
      }
      return;
    }
    if (this.delayTimer === undefined) {
      this.delayTimer = startTimer(() => {
        this.delayTimer = undefined;
        this.dueThrough = Math.max(this.dueThrough, this.seq);
        void this.pump();
      }, this.options.batchDelayMs);
    }
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (
        !this.deadlinePassed &&
        this.inFlight.size < this.options.maxConcurrentRequests &&
        this.isDue()
      ) {
        const batch = await this.buildBatch();
        if (batch) this.startDelivery(batch);
      }
    } catch (error) {
      this.options.diagnostics.reportError(SOURCE, error, 'the send loop failed');
    } finally {
      this.pumping = false;
    }
    this.checkWaiters();
    this.schedule();
  }

  /**
   * Takes records off the queue into one request body: serialized record by record (never one
   * giant `JSON.stringify`), encoded straight into an exactly sized buffer, yielding to the event
   * loop every few milliseconds. The records count as queued until the batch is handed to delivery.
   */
  private async buildBatch(): Promise<Batch | undefined> {
    const { maxBatchSize, maxBatchBytes } = this.options;
    const entries: Entry[] = [];
    this.building = entries;
    const keepAlive = this.waiters.length > 0;
    let sliceStart = performance.now();
    const breathe = async () => {
      if (performance.now() - sliceStart > SLICE_MS) {
        await yieldToEventLoop(keepAlive);
        sliceStart = performance.now();
      }
    };
    try {
      const overhead = PREFIX.length + SUFFIX.length;
      let size = overhead;
      while (entries.length < maxBatchSize && !this.deadlinePassed) {
        const entry = this.peek();
        if (entry === undefined) break;
        if (entry.json === undefined) {
          try {
            entry.json = JSON.stringify(entry.metric);
            entry.bytes = utf8Length(entry.json);
            entry.metric = undefined;
          } catch (error) {
            this.shift();
            this.drop('invalid', 1, {
              detail: `not serializable: ${this.safeMessage(error)}`,
            });
            continue;
          }
          if (overhead + entry.bytes > maxBatchBytes) {
            this.shift();
            this.drop('invalid', 1, {
              detail: `the record serializes to ${entry.bytes} bytes, over the ${maxBatchBytes}-byte request limit`,
            });
            continue;
          }
        }
        const extra = entry.bytes + (entries.length > 0 ? 1 : 0);
        if (size + extra > maxBatchBytes) break;
        this.shift();
        entries.push(entry);
        size += extra;
        await breathe();
      }
      if (entries.length === 0) return undefined;
      const body = new Uint8Array(size);
      body.set(PREFIX, 0);
      let offset = PREFIX.length;
      for (let index = 0; index < entries.length && !this.deadlinePassed; index++) {
        if (index > 0) body[offset++] = COMMA;
        offset += this.encoder.encodeInto(entries[index]!.json!, body.subarray(offset)).written;
        await breathe();
      }
      body.set(SUFFIX, offset);
      // At the shutdown deadline `abandonAll` already counted (and emptied) this batch.
      if (this.deadlinePassed) return undefined;
      const batch: Batch = {
        count: entries.length,
        minSeq: entries[0]!.seq,
        body,
        done: false,
        controller: undefined,
        sleepTimer: undefined,
        wake: undefined,
      };
      // Counted as in flight from the same synchronous step that stops counting it as queued.
      this.inFlight.add(batch);
      return batch;
    } finally {
      this.building = undefined;
    }
  }

  // ---- delivery ------------------------------------------------------------------------------

  /** Sends a batch that `buildBatch` registered as in flight. */
  private startDelivery(batch: Batch): void {
    this.deliver(batch)
      .catch((error) => {
        this.options.diagnostics.reportError(SOURCE, error, 'delivery failed unexpectedly');
        this.settle(batch, 'retries_exhausted');
      })
      .finally(() => {
        this.inFlight.delete(batch);
        this.checkWaiters();
        this.schedule();
      });
  }

  /** Ends a batch exactly once: delivered, or dropped for `reason`. */
  private settle(
    batch: Batch,
    outcome: 'delivered' | DropReason,
    data?: Record<string, string | number>,
  ): void {
    if (batch.done) return;
    batch.done = true;
    if (outcome === 'delivered') this.delivered += batch.count;
    else this.drop(outcome, batch.count, data);
  }

  private async deliver(batch: Batch): Promise<void> {
    const { maxRetries, retryInitialDelayMs, retryMaxDelayMs, diagnostics } = this.options;
    for (let attempt = 1; ; attempt++) {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) await this.sleep(batch, pause);
      if (batch.done || this.deadlinePassed) return this.settle(batch, 'shutdown_timeout');
      const result = await this.attempt(batch);
      if (batch.done) return;
      if (result.kind === 'aborted') return this.settle(batch, 'shutdown_timeout');
      if (result.kind === 'ok') {
        this.requests.succeeded++;
        this.settle(batch, 'delivered');
        diagnostics.emit({
          type: DELIVERY_EVENT_TYPES.sent,
          level: 'debug',
          source: SOURCE,
          message: `delivered ${batch.count} record(s) to ${this.options.endpointOrigin} (HTTP ${result.status}, attempt ${attempt})`,
          data: { records: batch.count, bytes: batch.body.length, status: result.status, attempt },
        });
        return;
      }
      if (result.kind === 'final') {
        this.requests.failed++;
        diagnostics.emit({
          type: DELIVERY_EVENT_TYPES.rejected,
          level: 'warn',
          source: SOURCE,
          message: `${this.options.endpointOrigin} rejected ${batch.count} record(s) with HTTP ${result.status} (not retried): ${result.reason}`,
          data: { records: batch.count, status: result.status },
        });
        return this.settle(batch, 'rejected', { status: result.status });
      }
      if (attempt > maxRetries) {
        this.requests.failed++;
        return this.settle(batch, 'retries_exhausted', {
          ...(result.status !== undefined ? { status: result.status } : {}),
          detail: `${attempt} attempts failed, the last with ${result.reason}`,
        });
      }
      const delayMs = result.retryAfterMs ?? backoffDelay(attempt, retryInitialDelayMs, retryMaxDelayMs);
      if (result.retryAfterMs !== undefined)
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delayMs);
      this.requests.retries++;
      diagnostics.emit({
        type: DELIVERY_EVENT_TYPES.retry,
        level: 'debug',
        source: SOURCE,
        message: `attempt ${attempt} to ${this.options.endpointOrigin} failed with ${result.reason}; retrying ${batch.count} record(s) in ${delayMs} ms`,
        data: {
          records: batch.count,
          attempt,
          delayMs,
          ...(result.status !== undefined ? { status: result.status } : {}),
        },
      });
      await this.sleep(batch, delayMs);
    }
  }

  private sleep(batch: Batch, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        if (batch.sleepTimer) clearTimeout(batch.sleepTimer);
        batch.sleepTimer = undefined;
        batch.wake = undefined;
        resolve();
      };
      batch.wake = done;
      batch.sleepTimer = startTimer(done, ms, this.waiters.length > 0);
    });
  }

  private async attempt(batch: Batch): Promise<Attempt> {
    const { url, headers, requestTimeoutMs, maxResponseBytes } = this.options;
    const controller = new AbortController();
    batch.controller = controller;
    let timedOut = false;
    const timer = startTimer(() => {
      timedOut = true;
      controller.abort();
    }, requestTimeoutMs);
    this.requests.attempts++;
    try {
      // a delivery is never a model call's attempt, whatever context the batch was flushed from
      const response = await runInAttemptScope(NOT_A_MODEL_CALL, () =>
        this.options.fetch(url, {
          method: 'POST',
          headers,
          body: batch.body,
          redirect: 'manual',
          signal: controller.signal,
        }),
      );
      const status = response.status;
      this.lastStatus = status;
      const text = await readCapped(response, maxResponseBytes);
      if (status >= 200 && status < 300) return { kind: 'ok', status };
      if (isRetryableStatus(status)) {
        const retryAfterMs = parseRetryAfter(
          response.headers.get('retry-after'),
          this.options.maxRetryAfterMs,
        );
        return {
          kind: 'retry',
          status,
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
          reason: `HTTP ${status}`,
        };
      }
      // `redirect: 'manual'`: Node returns the 3xx itself, browsers an opaque redirect with status 0.
      const redirected = response.type === 'opaqueredirect' || (status >= 300 && status < 400);
      // Redacted before it is cut to the excerpt, so a secret straddling that cut cannot leak its
      // first half. Only the first REDACT_WINDOW characters are looked at (a few ms at most): any
      // 8 characters of a secret are masked, so a secret cut there leaks nothing either.
      const excerpt = this.redact(text.trim().slice(0, REDACT_WINDOW));
      const reason = redirected
        ? 'a redirect, which is not followed so credentials never leave the configured host'
        : excerpt
          ? `"${excerpt.slice(0, BODY_EXCERPT)}${excerpt.length > BODY_EXCERPT ? '…' : ''}"`
          : 'no response body';
      return { kind: 'final', status, reason };
    } catch (error) {
      if (this.deadlinePassed || batch.done) return { kind: 'aborted' };
      if (timedOut) return { kind: 'retry', reason: `a timeout after ${requestTimeoutMs} ms` };
      const code = classifyError(error).code ?? classifyError((error as { cause?: unknown })?.cause).code;
      return {
        kind: 'retry',
        reason: `a network error (${code ? this.redact(code) : this.safeMessage(error)})`,
      };
    } finally {
      clearTimeout(timer);
      batch.controller = undefined;
    }
  }

  /** An error's message with the secrets removed before it is shortened (never cut mid-secret). */
  private safeMessage(error: unknown): string {
    let message: unknown;
    try {
      message = (error as { message?: unknown })?.message;
    } catch {
      message = undefined;
    }
    return typeof message === 'string' ? this.redact(message.slice(0, 4096)).slice(0, 200) : 'unknown error';
  }

  private drop(reason: DropReason, count: number, data: Record<string, string | number> = {}): void {
    this.dropped[reason] += count;
    const detail = typeof data.detail === 'string' ? `: ${data.detail}` : '';
    this.options.diagnostics.emit({
      type: DELIVERY_EVENT_TYPES.dropped,
      level: 'warn',
      source: SOURCE,
      message: `dropped ${count} record(s) (${reason})${detail}`,
      data: { ...data, reason, count },
    });
    this.checkWaiters();
  }

  /** At the shutdown deadline: everything still queued or in flight is dropped and its requests aborted. */
  private abandonAll(): void {
    this.deadlinePassed = true;
    const queued = this.queueLength();
    this.queue = [];
    this.queueHead = 0;
    if (queued > 0) this.drop('shutdown_timeout', queued);
    const building = this.building;
    if (building && building.length > 0) {
      const count = building.length;
      building.length = 0;
      this.drop('shutdown_timeout', count);
    }
    for (const batch of this.inFlight) {
      this.settle(batch, 'shutdown_timeout');
      batch.controller?.abort();
      batch.wake?.();
    }
  }
}

/** Creates a `ResourceMetricsExporter` (options or the environment; see `ResourceMetricsExporterOptions`). */
export function createResourceMetricsExporter(
  options: ResourceMetricsExporterOptions = {},
): ResourceMetricsExporter {
  return new ResourceMetricsExporter(options);
}
