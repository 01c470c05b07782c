import type { RunRow } from '../store/run-row.js';

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
