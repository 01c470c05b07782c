/**
 * Sleeps a server can cut short: `cancelAll` (on close) resolves every pending sleep with
 * `false`, so no timer keeps the process alive and no handler goes on after the server closed.
 */
export class CancellableTimers {
  private readonly pending = new Set<{ timer: NodeJS.Timeout; cancel: () => void }>();

  /** Resolves `true` after `ms` (at once for `ms <= 0`), or `false` when cancelled first. */
  sleep(ms: number): Promise<boolean> {
    if (ms <= 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.pending.delete(entry);
          resolve(true);
        }, ms),
        cancel: () => resolve(false),
      };
      this.pending.add(entry);
    });
  }

  cancelAll(): void {
    for (const entry of this.pending) {
      clearTimeout(entry.timer);
      entry.cancel();
    }
    this.pending.clear();
  }
}
