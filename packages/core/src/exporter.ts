import type { InvocationRecord } from './recorder/record.js';

/**
 * Receives finished invocations. `export` must return synchronously and never block: an
 * exporter that does I/O queues the record and delivers it off the caller's stack.
 */
export interface InvocationExporter {
  readonly name?: string;
  export(record: InvocationRecord): void;
  /** Resolves when everything exported before the call was delivered or finally failed. */
  flush?(): Promise<void>;
  /** Flushes, then refuses new records. */
  shutdown?(): Promise<void>;
}
