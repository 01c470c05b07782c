/**
 * A metered method: gets the original method (bound to the real object), the object the caller
 * called it on (the metered view) and the arguments; returns what the original returns.
 */
export type MeteredMethod = (
  original: (...args: any[]) => any,
  view: object,
  args: any[],
  unbound: (...args: any[]) => any,
) => any;

/** Which properties of a client are metered: methods, or nested objects with metered methods. */
export interface MeterSpec {
  readonly [property: string]: MeteredMethod | MeterSpec;
}

const originals = new WeakMap<object, object>();

/**
 * A view of `target` whose `spec` methods are metered; everything else is the target's own
 * (methods bound to it, so private fields keep working). The target is never changed.
 */
export function meteredView<T extends object>(target: T, spec: MeterSpec): T {
  const cache = new Map<PropertyKey, unknown>();
  const view: T = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object) as unknown;
      if (cache.has(property)) {
        const cached = cache.get(property) as { of: unknown; value: unknown };
        if (cached.of === value) return cached.value;
      }
      const wrapped = wrap(object, property, value, spec, () => view);
      if (wrapped !== value) cache.set(property, { of: value, value: wrapped });
      return wrapped;
    },
  });
  originals.set(view, target);
  return view;
}

function wrap(
  object: object,
  property: PropertyKey,
  value: unknown,
  spec: MeterSpec,
  view: () => object,
): unknown {
  const metered = typeof property === 'string' && Object.hasOwn(spec, property) ? spec[property] : undefined;
  if (typeof value === 'function') {
    const bound = (value as (...args: unknown[]) => unknown).bind(object);
    if (typeof metered !== 'function') return bound;
    return (...args: unknown[]) => metered(bound, view(), args, value as (...args: unknown[]) => unknown);
  }
  if (metered && typeof metered === 'object' && typeof value === 'object' && value !== null)
    return meteredView(value, metered);
  return value;
}

/** The client `meter()` was given, for a metered client; the value itself otherwise. */
export function unmeter<T>(client: T): T {
  return ((typeof client === 'object' && client !== null && originals.get(client)) || client) as T;
}

/** Whether `client` is a metered view (`meter()` of a metered client returns it as is). */
export function isMetered(client: unknown): boolean {
  return typeof client === 'object' && client !== null && originals.has(client);
}
