import type { InvocationRecord } from './recorder/record.js';

/**
 * Receives finished invocations. `export` must return synchronously and never block: an
 * exporter that does I/O queues the record and delivers it off the caller's stack.
 */
export interface InvocationExporter {
  readonly name?: string;
  export(record: InvocationRecord): void;
  /**
   * Resolves when everything exported before the call was delivered or finally failed, or when
   * `timeoutMs` passed (what is left stays queued). Never rejects.
   */
  flush?(options?: { timeoutMs?: number }): Promise<void>;
  /** Flushes within `timeoutMs`, then refuses new records. Never rejects. */
  shutdown?(options?: { timeoutMs?: number }): Promise<void>;
}
