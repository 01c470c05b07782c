import { describe, expect, it } from 'vitest';
import { type Fields, readFields } from './read-fields.js';

const readCounts = (s: Fields) => ({
  input: s.input,
  cached: s.details?.cached,
  notes: s.notes,
});

function throwingGetter(value: Record<string, unknown>, key: string): Record<string, unknown> {
  Object.defineProperty(value, key, {
    enumerable: true,
    get() {
      throw new Error(`no ${key}`);
    },
  });
  return value;
}

describe('readFields', () => {
  it('reads plain and nested fields as written', () => {
    expect(readFields({ input: 3, details: { cached: 1 }, notes: ['a'] }, readCounts)).toEqual({
      input: 3,
      cached: 1,
      notes: ['a'],
    });
    expect(readFields({ details: 5 }, readCounts)).toEqual({
      input: undefined,
      cached: undefined,
      notes: undefined,
    });
  });

  it('a throwing getter costs only its own field, and is named in `unreadable`', () => {
    const unreadable: string[] = [];
    const details = throwingGetter({}, 'cached');
    const source = throwingGetter({ input: 7, details, notes: ['x', 'y'] }, 'other');
    const read = readFields(
      source,
      (s) => ({ input: s.input, cached: s.details?.cached, other: s.other }),
      unreadable,
    );
    expect(read).toEqual({ input: 7, cached: undefined, other: undefined });
    expect(unreadable).toEqual(['cached', 'other']);
  });

  it('a proxy whose every trap throws reads as empty; arrays read through the guard stay arrays', () => {
    const fail = () => {
      throw new Error('hostile');
    };
    const hostile = new Proxy({}, { get: fail, has: fail, ownKeys: fail, getOwnPropertyDescriptor: fail });
    expect(readFields(hostile, readCounts)).toEqual({
      input: undefined,
      cached: undefined,
      notes: undefined,
    });
    const notes = ['a', 'b'];
    const source = throwingGetter({ notes, input: 2 }, 'details');
    const read = readFields(source, readCounts);
    expect(Array.isArray(read.notes)).toBe(true);
    expect(read).toEqual({ input: 2, cached: undefined, notes: ['a', 'b'] });
  });

  it('a revoked proxy reads as empty', () => {
    const { proxy, revoke } = Proxy.revocable({ input: 1 }, {});
    revoke();
    expect(readFields(proxy, readCounts)).toEqual({ input: undefined, cached: undefined, notes: undefined });
  });
});
