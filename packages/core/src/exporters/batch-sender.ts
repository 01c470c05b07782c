import type { Diagnostics } from '../diagnostics.js';
import type { BatchPayload } from './batcher.js';
import {
  DELIVERY_EVENT_TYPES,
  DELIVERY_SOURCE,
  type DeliveryStatsCounter,
  type DropData,
  type DropReason,
} from './delivery-stats.js';
import type { AttemptOutcome, HttpTransport } from './http-transport.js';
import { backoffDelay } from './retry-policy.js';
import { type Timer, refTimer, startTimer } from './timers.js';

/** A batch handed to delivery: being sent, or waiting between retries. */
export interface InFlightBatch extends BatchPayload {
  done: boolean;
  /** The request being sent, to abort at the shutdown deadline. */
  controller?: AbortController | undefined;
  /** The wait before the next attempt, and what ends it early. */
  sleepTimer?: Timer | undefined;
  wake?: (() => void) | undefined;
}

export interface BatchSenderOptions {
  endpointOrigin: string;
  maxRetries: number;
  retryInitialDelayMs: number;
  retryMaxDelayMs: number;
  diagnostics: Diagnostics;
}

export interface BatchSenderHooks {
  /** True while someone awaits a flush: retry waits then keep the process alive. */
  keepAlive(): boolean;
  /** True once the shutdown deadline passed. */
  stopped(): boolean;
  /** A batch left the in-flight set (delivered or dropped). */
  finished(): void;
}

type RetryOutcome = Extract<AttemptOutcome, { kind: 'retry' }>;

/**
 * The batches in flight and their delivery: attempts through the transport, retried with backoff
 * (or an honoured `Retry-After`, which also holds back the other batches) up to `maxRetries`,
 * each batch ending exactly once, delivered or dropped, with its diagnostic.
 */
export class BatchSender {
  private readonly batches = new Set<InFlightBatch>();
  /** No attempt starts before this time (set by a `Retry-After`). */
  private pausedUntil = 0;

  constructor(
    private readonly options: BatchSenderOptions,
    private readonly transport: HttpTransport,
    private readonly stats: DeliveryStatsCounter,
    private readonly hooks: BatchSenderHooks,
  ) {}

  /** Batches in flight (a batch already settled at the deadline counts until its request ends). */
  get size(): number {
    return this.batches.size;
  }

  /** Records in batches not yet settled: what `stats().inFlight` reports. */
  recordCount(): number {
    let count = 0;
    for (const batch of this.batches) if (!batch.done) count += batch.count;
    return count;
  }

  /** True while a batch holding a record with `seq` up to `target` has not settled. */
  holds(target: number): boolean {
    for (const batch of this.batches) if (!batch.done && batch.minSeq <= target) return true;
    return false;
  }

  /** Counts a built batch as in flight; `send` it next. */
  add(payload: BatchPayload): InFlightBatch {
    const batch: InFlightBatch = { ...payload, done: false };
    this.batches.add(batch);
    return batch;
  }

  /** Delivers a batch that `add` registered, off the caller's stack. */
  send(batch: InFlightBatch): void {
    this.deliver(batch)
      .catch((error) => {
        this.options.diagnostics.reportError(DELIVERY_SOURCE, error, 'delivery failed unexpectedly');
        this.settle(batch, 'retries_exhausted');
      })
      .finally(() => {
        this.batches.delete(batch);
        this.hooks.finished();
      });
  }

  /** Someone waits for a flush now: pending retry waits keep the process alive. */
  keepAlive(): void {
    for (const batch of this.batches) refTimer(batch.sleepTimer);
  }

  /** At the shutdown deadline: every batch is dropped (`shutdown_timeout`) and its request aborted. */
  abandon(): void {
    for (const batch of this.batches) {
      this.settle(batch, 'shutdown_timeout');
      batch.controller?.abort();
      batch.wake?.();
    }
  }

  private async deliver(batch: InFlightBatch): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const pause = this.pausedUntil - Date.now();
      if (pause > 0) await this.sleep(batch, pause);
      if (batch.done || this.hooks.stopped()) return this.settle(batch, 'shutdown_timeout');
      const result = await this.attempt(batch);
      if (batch.done) return;
      if (result.kind === 'aborted') return this.settle(batch, 'shutdown_timeout');
      if (result.kind === 'ok') return this.delivered(batch, result.status, attempt);
      if (result.kind === 'final') return this.rejected(batch, result.status, result.reason);
      const delayMs = this.retryDelay(batch, result, attempt);
      if (delayMs === undefined) return;
      await this.sleep(batch, delayMs);
    }
  }

  private async attempt(batch: InFlightBatch): Promise<AttemptOutcome> {
    const controller = new AbortController();
    batch.controller = controller;
    try {
      return await this.transport.post(batch.body, controller);
    } finally {
      batch.controller = undefined;
    }
  }

  /** Ends a batch exactly once: delivered, or dropped for `outcome`. */
  private settle(batch: InFlightBatch, outcome: 'delivered' | DropReason, data?: DropData): void {
    if (batch.done) return;
    batch.done = true;
    if (outcome === 'delivered') this.stats.delivered += batch.count;
    else this.stats.drop(outcome, batch.count, data);
  }

  private delivered(batch: InFlightBatch, status: number, attempt: number): void {
    this.stats.requests.succeeded++;
    this.settle(batch, 'delivered');
    this.options.diagnostics.emit({
      type: DELIVERY_EVENT_TYPES.sent,
      level: 'debug',
      source: DELIVERY_SOURCE,
      message: `delivered ${batch.count} record(s) to ${this.options.endpointOrigin} (HTTP ${status}, attempt ${attempt})`,
      data: { records: batch.count, bytes: batch.body.length, status, attempt },
    });
  }

  private rejected(batch: InFlightBatch, status: number, reason: string): void {
    this.stats.requests.failed++;
    this.options.diagnostics.emit({
      type: DELIVERY_EVENT_TYPES.rejected,
      level: 'warn',
      source: DELIVERY_SOURCE,
      message: `${this.options.endpointOrigin} rejected ${batch.count} record(s) with HTTP ${status} (not retried): ${reason}`,
      data: { records: batch.count, status },
    });
    this.settle(batch, 'rejected', { status });
  }

  /** How long to wait before the next attempt; `undefined` when the retries ran out (the batch is dropped). */
  private retryDelay(batch: InFlightBatch, result: RetryOutcome, attempt: number): number | undefined {
    const { maxRetries, retryInitialDelayMs, retryMaxDelayMs } = this.options;
    const status: DropData = result.status !== undefined ? { status: result.status } : {};
    if (attempt > maxRetries) {
      this.stats.requests.failed++;
      this.settle(batch, 'retries_exhausted', {
        ...status,
        detail: `${attempt} attempts failed, the last with ${result.reason}`,
      });
      return undefined;
    }
    const delayMs = result.retryAfterMs ?? backoffDelay(attempt, retryInitialDelayMs, retryMaxDelayMs);
    if (result.retryAfterMs !== undefined)
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + delayMs);
    this.stats.requests.retries++;
    this.options.diagnostics.emit({
      type: DELIVERY_EVENT_TYPES.retry,
      level: 'debug',
      source: DELIVERY_SOURCE,
      message: `attempt ${attempt} to ${this.options.endpointOrigin} failed with ${result.reason}; retrying ${batch.count} record(s) in ${delayMs} ms`,
      data: { records: batch.count, attempt, delayMs, ...status },
    });
    return delayMs;
  }

  private sleep(batch: InFlightBatch, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        if (batch.sleepTimer) clearTimeout(batch.sleepTimer);
        batch.sleepTimer = undefined;
        batch.wake = undefined;
        resolve();
      };
      batch.wake = done;
      batch.sleepTimer = startTimer(done, ms, this.hooks.keepAlive());
    });
  }
}
