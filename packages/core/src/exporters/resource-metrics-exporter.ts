import type { Diagnostics } from '../diagnostics.js';
import { ValidationError } from '../errors/metrics-error.js';
import type { InvocationExporter } from '../exporter.js';
import { toResourceMetric } from '../payload/to-resource-metric.js';
import type { InvocationRecord } from '../recorder/record.js';
import type { ResourceMetric } from '../schema/resource-metric.js';
import { type ValidationIssue, validateResourceMetric } from '../schema/validate-resource-metric.js';
import { BatchSender } from './batch-sender.js';
import { Batcher } from './batcher.js';
import { DeliveryQueue } from './delivery-queue.js';
import { DELIVERY_SOURCE, type DeliveryStats, DeliveryStatsCounter } from './delivery-stats.js';
import { FlushWaiters } from './flush-waiters.js';
import { INSPECT } from './hide-secrets.js';
import {
  type ResolvedResourceMetricsExporterOptions,
  type ResourceMetricsExporterOptions,
  resolveResourceMetricsExporterOptions,
} from './http-config.js';
import { HttpTransport } from './http-transport.js';
import { createRedactor } from './redact.js';
import { safeErrorMessage } from './safe-error-message.js';
import { type Timer, startTimer } from './timers.js';

export { DELIVERY_EVENT_TYPES, DROP_REASONS } from './delivery-stats.js';
export type { DeliveryStats, DropReason } from './delivery-stats.js';

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
 *
 * This class wires the pieces and decides when to send: `DeliveryQueue` (bound and drop policy),
 * `Batcher` (request bodies within the limits), `BatchSender` (retries, in-flight batches),
 * `HttpTransport` (one POST), `FlushWaiters` (flush deadlines), `DeliveryStatsCounter`.
 */
export class ResourceMetricsExporter implements InvocationExporter {
  readonly name = 'resource-metrics';
  readonly options: ResolvedResourceMetricsExporterOptions;
  private readonly redact: (text: string) => string;
  private readonly counters: DeliveryStatsCounter;
  private readonly queue: DeliveryQueue;
  private readonly batcher: Batcher;
  private readonly sender: BatchSender;
  private readonly waiters = new FlushWaiters();
  /** Counts one `queue_full` drop (bound once: `export()` allocates no closure). */
  private readonly dropQueueFull = () => this.counters.drop('queue_full', 1);

  /** Records exported so far; each record's `seq`. */
  private seq = 0;
  /** Records with `seq` up to this are due now (the batch delay passed, or a flush asked). */
  private dueThrough = 0;
  private delayTimer: Timer | undefined;
  private kickScheduled = false;
  private pumping = false;
  private closing = false;
  private deadlinePassed = false;
  private shutdownPromise: Promise<void> | undefined;
  private waitUntilActive = false;

  constructor(options: ResourceMetricsExporterOptions = {}) {
    this.options = resolveResourceMetricsExporterOptions(options);
    this.redact = createRedactor(this.options.secrets);
    this.counters = new DeliveryStatsCounter(this.options.diagnostics, () => this.checkWaiters());
    this.queue = new DeliveryQueue(this.options.maxQueueSize, this.options.dropPolicy);
    const stopped = () => this.deadlinePassed;
    this.batcher = new Batcher(this.queue, this.options, {
      drop: (reason, count, data) => this.counters.drop(reason, count, data),
      stopped,
      describe: (error) => safeErrorMessage(error, this.redact),
    });
    const transport = new HttpTransport(this.options, this.redact, this.counters);
    this.sender = new BatchSender(this.options, transport, this.counters, {
      keepAlive: () => this.waiters.active,
      stopped,
      finished: () => {
        this.checkWaiters();
        this.schedule();
      },
    });
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
    if (!this.accept()) return;
    let metric: ResourceMetric;
    try {
      const { accountId, providerType, promptType } = this.options;
      metric = toResourceMetric(record, {
        accountId,
        ...(providerType ? { providerType } : {}),
        ...(promptType ? { promptType } : {}),
      });
    } catch (error) {
      const message =
        error instanceof ValidationError ? issuesText(error.issues) : safeErrorMessage(error, this.redact);
      this.counters.drop('invalid', 1, { detail: this.redact(message) });
      return;
    }
    this.enqueue(metric);
  }

  /** Queues an already-built resourceMetrics record (validated first; an invalid one is dropped and counted). */
  exportResourceMetric(metric: ResourceMetric): void {
    if (!this.accept()) return;
    const result = validateResourceMetric(metric);
    if (!result.ok) {
      this.counters.drop('invalid', 1, { detail: this.redact(issuesText(result.issues)) });
      return;
    }
    this.enqueue(result.value);
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
    this.sender.keepAlive();
    const settled = this.waiters.wait(target, options?.timeoutMs);
    queueMicrotask(() => void this.pump());
    return settled;
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
    return this.counters.snapshot(this.seq, this.queue.count, this.sender.recordCount());
  }

  // ---- accepting -----------------------------------------------------------------------------

  /** Counts a new record; `false` (and dropped as `after_shutdown`) once shutdown began. */
  private accept(): boolean {
    this.seq++;
    if (!this.closing) return true;
    this.counters.drop('after_shutdown', 1);
    return false;
  }

  private enqueue(metric: ResourceMetric): void {
    const record = { seq: this.seq, metric, json: undefined, bytes: 0 };
    if (!this.queue.push(record, this.dropQueueFull)) return;
    if (this.options.waitUntil && !this.waitUntilActive) this.startWaitUntil(this.options.waitUntil);
    this.schedule();
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
      this.options.diagnostics.reportError(DELIVERY_SOURCE, error, 'waitUntil threw');
    }
  }

  // ---- settling ------------------------------------------------------------------------------

  /** True when every record with `seq` up to `target` was delivered or dropped. */
  private settledThrough(target: number): boolean {
    const oldest = this.queue.oldestSeq();
    if (oldest !== undefined && oldest <= target) return false;
    return !this.sender.holds(target);
  }

  private checkWaiters(): void {
    this.waiters.check((target) => this.settledThrough(target));
  }

  /** At the shutdown deadline: everything still queued or in flight is dropped and its requests aborted. */
  private abandonAll(): void {
    this.deadlinePassed = true;
    const queued = this.queue.clearWaiting();
    if (queued > 0) this.counters.drop('shutdown_timeout', queued);
    const building = this.queue.clearBatch();
    if (building > 0) this.counters.drop('shutdown_timeout', building);
    this.sender.abandon();
  }

  // ---- scheduling ----------------------------------------------------------------------------

  private isDue(): boolean {
    const head = this.queue.peek();
    if (head === undefined) return false;
    return this.closing || head.seq <= this.dueThrough || this.queue.length >= this.options.maxBatchSize;
  }

  private hasRequestSlot(): boolean {
    return this.sender.size < this.options.maxConcurrentRequests;
  }

  /** Starts a send soon if a batch is due, else arms the batch-delay timer. Never on the caller's stack. */
  private schedule(): void {
    if (this.queue.length === 0 || this.pumping) return;
    if (this.isDue()) {
      if (this.hasRequestSlot() && !this.kickScheduled) {
        this.kickScheduled = true;
        const kick = () => {
          this.kickScheduled = false;
          void this.pump();
        };
        startTimer(kick, 0, this.waiters.active);
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

  /** Builds and sends batches while one is due and a request slot is free. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.deadlinePassed && this.hasRequestSlot() && this.isDue()) {
        const batch = await this.batcher.build(this.waiters.active, (payload) => this.sender.add(payload));
        if (batch) this.sender.send(batch);
      }
    } catch (error) {
      this.options.diagnostics.reportError(DELIVERY_SOURCE, error, 'the send loop failed');
    } finally {
      this.pumping = false;
    }
    this.checkWaiters();
    this.schedule();
  }
}

/** Creates a `ResourceMetricsExporter` (options or the environment; see `ResourceMetricsExporterOptions`). */
export function createResourceMetricsExporter(
  options: ResourceMetricsExporterOptions = {},
): ResourceMetricsExporter {
  return new ResourceMetricsExporter(options);
}
