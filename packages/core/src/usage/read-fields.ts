/** Reads a property of an unknown value without ever throwing (hostile getters, proxies, primitives). */
export function readField(source: unknown, key: string): unknown {
  if (source === null || (typeof source !== 'object' && typeof source !== 'function')) return undefined;
  try {
    return (source as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * What a `readFields` reader reads from: untyped, so it can reach nested fields
 * (`source.details?.cached_tokens`); every value it hands back is typed `unknown`.
 */
export type Fields = { readonly [key: string]: any };

/**
 * What `readFields` hands back: a field the reader copied straight from the source (typed `any`)
 * reads as `unknown`; a field the reader computed keeps its type (`Usage | undefined`, `boolean`).
 */
export type FieldsRead<T> = { [P in keyof T]: unknown extends T[P] ? unknown : T[P] };

/**
 * Reads the fields a `read` function names, as plain property accesses, never throwing.
 *
 * Why not `readField(source, key)` for each: one shared function that reads every key of every
 * object the program hands it is a slow generic lookup per read (the engine keeps its feedback
 * per function, not per call site), and the recorder reads dozens of fields per model call. The
 * accesses written out in each `read` stay fast for the few shapes that site sees.
 *
 * A getter or proxy trap that throws sends the whole read again through a guarded view, in which
 * a property that throws reads as `undefined` (and an object read from it is guarded too), so
 * one bad field costs only itself; its key is added to `unreadable` when given. `read` must only
 * read: it may run twice.
 */
export function readFields<T extends object>(
  source: object,
  read: (source: Fields) => T,
  unreadable?: string[],
): FieldsRead<T> {
  try {
    return read(source as Fields) as FieldsRead<T>;
  } catch {
    return read(guarded(source, unreadable)) as FieldsRead<T>;
  }
}

/**
 * A view of `source` whose reads never throw. The proxy's target is an empty object of its own,
 * not `source`: the engine checks a trap's answer against the target, and with a hostile proxy
 * as the target that check would throw after the trap. An array is copied instead (so
 * `Array.isArray` still holds), its first `MAX_GUARDED_ITEMS` items read one by one.
 */
function guarded(source: object, unreadable: string[] | undefined): Fields {
  if (isArray(source)) return guardedItems(source, unreadable);
  return new Proxy(
    {},
    {
      get(_target, key) {
        try {
          const value: unknown = Reflect.get(source, key);
          return typeof value === 'object' && value !== null ? guarded(value, unreadable) : value;
        } catch {
          if (unreadable && typeof key === 'string') unreadable.push(key);
          return undefined;
        }
      },
    },
  ) as Fields;
}

const MAX_GUARDED_ITEMS = 1000;

function guardedItems(source: readonly unknown[], unreadable: string[] | undefined): Fields {
  const items: unknown[] = [];
  let length: unknown;
  try {
    length = source.length;
  } catch {
    return items;
  }
  if (typeof length !== 'number') return items;
  for (let i = 0; i < length && i < MAX_GUARDED_ITEMS; i++) {
    let item: unknown;
    try {
      item = source[i];
    } catch {
      item = undefined;
    }
    items.push(typeof item === 'object' && item !== null ? guarded(item, unreadable) : item);
  }
  return items;
}

function isArray(value: object): value is readonly unknown[] {
  try {
    return Array.isArray(value);
  } catch {
    return false;
  }
}
