/**
 * The calls and member runs of an invocation that have started and not ended, so `end()` can
 * close what its invocation outlived.
 *
 * An array, not a `Set`: a run rarely has more than a couple open at once, and adding to and
 * deleting from a `Set` (with the shrinking that follows) costs more than a short scan, on every
 * model and tool call. The scan starts from the end, where the latest start is.
 */
export class OpenItems<T> {
  declare private readonly items: T[];

  constructor() {
    this.items = [];
  }

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    this.items.push(item);
  }

  /** Forgets `item`; nothing happens when it is not open (a failed attempt's call ends it twice). */
  delete(item: T): void {
    const items = this.items;
    for (let i = items.length - 1; i >= 0; i--) {
      if (items[i] !== item) continue;
      const last = items.pop()!;
      if (i < items.length) items[i] = last;
      return;
    }
  }

  /** A copy, safe to iterate while its items end (and delete themselves). */
  snapshot(): T[] {
    return this.items.slice();
  }
}
