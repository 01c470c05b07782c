import type { ResourceMetric } from '@metrics/core';
import type { CollectorRequest } from './types.js';

/** The callers of `waitForRecords`, woken on every accepted payload and rejected when the collector closes. */
export class RecordWaiters {
  private readonly waiters = new Set<() => void>();
  private readonly abandon = new Set<() => void>();

  constructor(
    private readonly records: ResourceMetric[],
    private readonly requests: CollectorRequest[],
  ) {}

  /** Records arrived: resolves the waiters that now have enough. */
  wake(): void {
    for (const check of [...this.waiters]) check();
  }

  /** Resolves with the records once at least `count` arrived; rejects after `timeoutMs` or on close. */
  wait(count: number, timeoutMs: number): Promise<ResourceMetric[]> {
    const { records } = this;
    if (records.length >= count) return Promise.resolve(records.slice());
    return new Promise((resolve, reject) => {
      const forget = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
        this.abandon.delete(giveUp);
      };
      const check = () => {
        if (records.length < count) return;
        forget();
        resolve(records.slice());
      };
      const giveUp = () => {
        forget();
        reject(new Error(`collector closed while waiting for ${count} records (got ${records.length})`));
      };
      const timer = setTimeout(() => {
        forget();
        reject(new Error(this.timeoutMessage(count, timeoutMs)));
      }, timeoutMs);
      this.abandon.add(giveUp);
      this.waiters.add(check);
    });
  }

  /** The collector closes: every waiter is rejected. */
  abandonAll(): void {
    for (const giveUp of [...this.abandon]) giveUp();
  }

  private timeoutMessage(count: number, timeoutMs: number): string {
    const statuses = this.requests.map((r) => r.status).join(', ');
    return `collector: waited ${timeoutMs} ms for ${count} records, got ${this.records.length} (requests: ${statuses})`;
  }
}
