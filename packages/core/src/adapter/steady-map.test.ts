import { describe, expect, it } from 'vitest';
import { SteadyMap } from './steady-map.js';

describe('SteadyMap', () => {
  it('behaves as a Map for get, set, has, delete and size; its placeholders are never seen', () => {
    const map = new SteadyMap<string, number>();
    expect(map.size).toBe(0);
    expect(map.set('a', 1)).toBe(map);
    map.set('b', 2);
    map.set('a', 3);
    expect([map.size, map.get('a'), map.get('b'), map.get('c'), map.has('b'), map.has('c')]).toEqual([
      2,
      3,
      2,
      undefined,
      true,
      false,
    ]);
    expect([map.delete('a'), map.delete('a'), map.size]).toEqual([true, false, 1]);
    map.delete('b');
    expect(map.size).toBe(0);
  });

  it('a symbol key of the caller never meets a placeholder', () => {
    const map = new SteadyMap<symbol, string>();
    const key = Symbol('placeholder');
    expect(map.has(key)).toBe(false);
    map.set(key, 'mine');
    expect([map.get(key), map.size]).toEqual(['mine', 1]);
  });

  it('keeps thousands of keys that come and go', () => {
    const map = new SteadyMap<number, number>();
    for (let i = 0; i < 5000; i++) map.set(i, i);
    expect(map.size).toBe(5000);
    for (let i = 0; i < 5000; i++) expect(map.delete(i)).toBe(true);
    expect(map.size).toBe(0);
  });
});
