/** How to undo one change on a target; must not hold the target itself (it is given back). */
export type Undo = (target: object) => void;

interface Change {
  target: WeakRef<object>;
  undo: Undo;
}

/**
 * What an adapter changed on objects the user owns (an LLM's `chat`, a workflow's `run`), each with
 * the way back. Targets are held weakly: an agent built per request and then dropped is collected,
 * with nothing left to undo. `restoreAll()` puts back everything still alive, newest first.
 */
export class Instrumentations {
  private changes: Change[] = [];
  private pruneAt = 1_024;

  add(target: object, undo: Undo | undefined): void {
    if (!undo) return;
    this.changes.push({ target: new WeakRef(target), undo });
    if (this.changes.length >= this.pruneAt) {
      this.changes = this.changes.filter((change) => change.target.deref() !== undefined);
      this.pruneAt = Math.max(1_024, this.changes.length * 2);
    }
  }

  /** Puts back every replaced method; returns how many targets were restored. */
  restoreAll(): number {
    const changes = this.changes.splice(0).reverse();
    let count = 0;
    for (const change of changes) {
      const target = change.target.deref();
      if (target === undefined) continue;
      try {
        change.undo(target);
        count++;
      } catch {
        // a frozen target stays as it is
      }
    }
    return count;
  }
}

/** The own properties replaced on each target, as they were (`undefined`: none, the prototype's showed). */
const originals = new WeakMap<object, Map<string | symbol, PropertyDescriptor | undefined>>();

/** Replaces `target[key]` with `value` as an own property, remembering what was there. */
export function replaceMethod(target: object, key: string | symbol, value: unknown): void {
  let saved = originals.get(target);
  if (!saved) {
    saved = new Map();
    originals.set(target, saved);
  }
  if (!saved.has(key)) saved.set(key, Object.getOwnPropertyDescriptor(target, key));
  Object.defineProperty(target, key, { value, writable: true, configurable: true });
}

/** Puts back what `replaceMethod` replaced on `target[key]`. */
export function restoreMethod(target: object, key: string | symbol): void {
  const saved = originals.get(target);
  if (!saved?.has(key)) return;
  const before = saved.get(key);
  saved.delete(key);
  if (before) Object.defineProperty(target, key, before);
  else delete (target as Record<string | symbol, unknown>)[key];
}
