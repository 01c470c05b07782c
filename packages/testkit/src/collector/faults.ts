/** An injected answer: a status (with `Retry-After`), or a dropped connection. */
export type Fault = { kind: 'fail'; status: number; retryAfter?: number | string } | { kind: 'drop' };

/** The faults `failNext`/`dropNext` queued, each answering one request before any other check. */
export class FaultQueue {
  private readonly faults: Fault[] = [];

  failNext(count: number, status: number, options: { retryAfter?: number | string } = {}): void {
    if (!Number.isInteger(status) || status < 100 || status > 599)
      throw new TypeError(`failNext: status must be an HTTP status, got ${status}`);
    for (let i = 0; i < count; i++)
      this.faults.push({
        kind: 'fail',
        status,
        ...(options.retryAfter !== undefined ? { retryAfter: options.retryAfter } : {}),
      });
  }

  dropNext(count: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ kind: 'drop' });
  }

  next(): Fault | undefined {
    return this.faults.shift();
  }

  clear(): void {
    this.faults.length = 0;
  }
}
