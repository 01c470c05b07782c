/**
 * Recognising the core's own objects across copies of the package. An application can load two
 * copies of `@metrics/core` at once (the ESM build beside the CJS one, or two versions), and
 * `instanceof` fails across them; a brand under a registered symbol (`Symbol.for`) does not.
 */
export function brand(target: object, name: string): void {
  Object.defineProperty(target, Symbol.for(`@metrics/core.${name}`), { value: true });
}

/** Whether `value` carries the brand `name` (from any copy of the core). */
export function hasBrand(value: unknown, name: string): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[Symbol.for(`@metrics/core.${name}`)] === true
  );
}

/**
 * One value per process for `name`, whichever copy of the core asks first: the async-context
 * stores, so a run started through one copy is the current run for code that uses the other.
 */
export function processSingleton<T>(name: string, create: () => T): T {
  const key = Symbol.for(`@metrics/core.${name}`);
  const registry = globalThis as unknown as Record<symbol, T | undefined>;
  const existing = registry[key];
  if (existing !== undefined) return existing;
  const value = create();
  Object.defineProperty(globalThis, key, { value, configurable: false, enumerable: false, writable: false });
  return value;
}
