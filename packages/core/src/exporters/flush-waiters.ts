import { type Timer, startTimer } from './timers.js';

interface Waiter {
  /** Resolves once every record with `seq` up to this settled. */
  target: number;
  resolve: (ok: boolean) => void;
}

/**
 * The callers awaiting `flush()`/`drain()`: each waits for the records exported before its call,
 * resolving `true` once they all settled or `false` at its own deadline.
 */
export class FlushWaiters {
  private waiters: Waiter[] = [];

  /** True while someone waits (timers then keep the process alive). */
  get active(): boolean {
    return this.waiters.length > 0;
  }

  /** Waits for `target`; resolves `false` after `timeoutMs` when given. */
  wait(target: number, timeoutMs: number | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      let timer: Timer | undefined;
      const waiter: Waiter = {
        target,
        resolve: (ok: boolean) => {
          if (timer) clearTimeout(timer);
          resolve(ok);
        },
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        const expire = () => {
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(false);
        };
        timer = startTimer(expire, Math.max(0, timeoutMs), true);
      }
    });
  }

  /** Resolves every waiter whose records all settled. */
  check(settledThrough: (target: number) => boolean): void {
    if (this.waiters.length === 0) return;
    const still: Waiter[] = [];
    const done: Waiter[] = [];
    for (const waiter of this.waiters) (settledThrough(waiter.target) ? done : still).push(waiter);
    this.waiters = still;
    for (const waiter of done) waiter.resolve(true);
  }
}
