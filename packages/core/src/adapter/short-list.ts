/**
 * Removes item `i` of a short list: the last one (the usual case: the item added last ends
 * first) without a `splice` call. Adapters keep their per-call bookkeeping in short lists rather
 * than `Map`s and `Set`s that empty on every call: V8 rebuilds an emptied table each time.
 */
export function removeAt(list: unknown[], i: number): void {
  if (i === list.length - 1) list.pop();
  else list.splice(i, 1);
}
