import { describe, expect, it } from 'vitest';
import { removeAt } from './short-list.js';

describe('removeAt', () => {
  it('removes the last item, or one in the middle, keeping the order of the rest', () => {
    const list = ['a', 'b', 'c', 'd'];
    removeAt(list, 3);
    expect(list).toEqual(['a', 'b', 'c']);
    removeAt(list, 0);
    expect(list).toEqual(['b', 'c']);
    removeAt(list, 1);
    expect(list).toEqual(['b']);
    removeAt(list, 0);
    expect(list).toEqual([]);
  });
});
