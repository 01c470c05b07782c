/** Reads a property of an unknown value without ever throwing (hostile getters, proxies, primitives). */
export function readField(source: unknown, key: string): unknown {
  if (source === null || (typeof source !== 'object' && typeof source !== 'function')) return undefined;
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** @internal short alias used by the usage mappers */
export const field = readField;

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
