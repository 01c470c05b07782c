import type { RunRow } from '../store/run-row.js';
import type { RunStore } from '../store/run-store.js';

/** Where runs come from: a JSONL events file or a collector database, followed while it grows. */
export interface RunSource {
  readonly kind: 'jsonl' | 'collector-db';
  readonly path: string;
  /** Reads what is there now, then keeps following. */
  start(): Promise<void>;
  /** Reads what was added since the last read (also called by the poll timer). */
  poll(): Promise<void>;
  /** The full stored record of a run: an `InvocationRecord` (JSONL) or a `ResourceMetric` (collector). */
  readRecord(row: RunRow): Promise<unknown>;
  /** The last problem reading the source (missing file, unreadable database), if any. */
  readonly problem: string | undefined;
  close(): Promise<void>;
}

/**
 * What every source shares: `start()` is the first poll, and concurrent polls share one read
 * (the poll timer and a page request may ask at the same moment).
 */
export abstract class PollingSource implements RunSource {
  abstract readonly kind: RunSource['kind'];
  problem: string | undefined;
  private reading: Promise<void> | undefined;

  constructor(
    readonly path: string,
    protected readonly store: RunStore,
  ) {}

  start(): Promise<void> {
    return this.poll();
  }

  poll(): Promise<void> {
    this.reading ??= this.readNew().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** Waits for a read in progress; sources with more to release extend it. */
  async close(): Promise<void> {
    await this.reading;
  }

  /** Reads what was added since the last read. */
  protected abstract readNew(): Promise<void>;
  abstract readRecord(row: RunRow): Promise<unknown>;
}
