import type { Diagnostics } from '../diagnostics.js';

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

/** The `source` of every diagnostic the HTTP exporter emits. */
export const DELIVERY_SOURCE = 'http-exporter';

/** Extra fields of a `record.dropped` diagnostic. */
export type DropData = Record<string, string | number>;

/**
 * The exporter's counters of what ended and how: delivered, dropped per reason (each drop also a
 * `record.dropped` diagnostic), HTTP attempts and the last status. Queued and in-flight counts
 * live with the queue and the in-flight batches; `snapshot` puts them together.
 */
export class DeliveryStatsCounter {
  delivered = 0;
  readonly dropped: Record<DropReason, number> = {
    queue_full: 0,
    invalid: 0,
    rejected: 0,
    retries_exhausted: 0,
    shutdown_timeout: 0,
    after_shutdown: 0,
  };
  readonly requests = { attempts: 0, succeeded: 0, retries: 0, failed: 0 };
  lastStatus: number | undefined;

  /** `onDrop` runs after every drop (a flush may be waiting for those records). */
  constructor(
    private readonly diagnostics: Diagnostics,
    private readonly onDrop: () => void = () => {},
  ) {}

  drop(reason: DropReason, count: number, data: DropData = {}): void {
    this.dropped[reason] += count;
    const detail = typeof data.detail === 'string' ? `: ${data.detail}` : '';
    this.diagnostics.emit({
      type: DELIVERY_EVENT_TYPES.dropped,
      level: 'warn',
      source: DELIVERY_SOURCE,
      message: `dropped ${count} record(s) (${reason})${detail}`,
      data: { ...data, reason, count },
    });
    this.onDrop();
  }

  /** An HTTP attempt starts (the transport's observer). */
  attempted(): void {
    this.requests.attempts++;
  }

  /** The endpoint answered `status` (the transport's observer). */
  answered(status: number): void {
    this.lastStatus = status;
  }

  snapshot(accepted: number, queued: number, inFlight: number): DeliveryStats {
    const stats: DeliveryStats = {
      accepted,
      delivered: this.delivered,
      dropped: { ...this.dropped },
      queued,
      inFlight,
      requests: { ...this.requests },
    };
    if (this.lastStatus !== undefined) stats.lastStatus = this.lastStatus;
    return stats;
  }
}
