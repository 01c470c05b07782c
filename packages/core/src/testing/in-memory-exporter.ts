import type { InvocationExporter } from '../exporter.js';
import type { InvocationRecord } from '../recorder/record.js';

/** Keeps every finished invocation in memory, for tests. */
export class InMemoryExporter implements InvocationExporter {
  readonly name = 'in-memory';
  readonly records: InvocationRecord[] = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  export(record: InvocationRecord): void {
    this.records.push(record);
    this.waiters = this.waiters.filter((waiter) => {
      if (this.records.length < waiter.count) return true;
      waiter.resolve();
      return false;
    });
  }

  /** Resolves once `count` records arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 5000): Promise<InvocationRecord[]> {
    if (this.records.length >= count) return Promise.resolve(this.records);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`expected ${count} records, got ${this.records.length} after ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        count,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.records);
        },
      });
    });
  }

  reset(): void {
    this.records.length = 0;
  }

  async flush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
