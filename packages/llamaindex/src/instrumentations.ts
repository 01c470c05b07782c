/**
 * What an adapter changed on objects the user owns (an LLM's `chat`, a workflow's `run`), each with
 * the way back. `uninstrument()` puts everything back, newest first.
 */
export class Instrumentations {
  private readonly restores: Array<() => void> = [];

  add(restore: (() => void) | undefined): void {
    if (restore) this.restores.push(restore);
  }

  /** Puts back every replaced method; returns how many were restored. */
  restoreAll(): number {
    const count = this.restores.length;
    for (const restore of this.restores.splice(0).reverse()) {
      try {
        restore();
      } catch {
        // a frozen or deleted target stays as it is
      }
    }
    return count;
  }
}

/**
 * Replaces `target[key]` with `value` as an own property and returns how to put it back: the
 * original own property, or none (the prototype's method shows through again).
 */
export function replaceMethod(target: object, key: string | symbol, value: unknown): () => void {
  const before = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
  return () => {
    if (before) Object.defineProperty(target, key, before);
    else delete (target as Record<string | symbol, unknown>)[key];
  };
}
