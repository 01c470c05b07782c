import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_TOKEN_COUNT,
  USAGE_COUNT_FIELDS,
  type Usage,
  addTokenCounts,
  createUsage,
  toTokenCount,
} from './usage.js';
import { addUsage } from './usage-total.js';

const count = fc.option(fc.maxSafeNat(), { nil: undefined });
const usageArb: fc.Arbitrary<Usage | undefined> = fc
  .option(
    fc.record({
      inputTokens: count,
      outputTokens: count,
      totalTokens: count,
      cacheReadTokens: count,
      cacheWriteTokens: count,
      reasoningTokens: count,
      audioInputTokens: count,
      audioOutputTokens: count,
    }),
    { nil: undefined },
  )
  .map((u) => {
    if (!u) return undefined;
    const clean: Usage = {};
    for (const field of USAGE_COUNT_FIELDS) if (u[field] !== undefined) clean[field] = u[field];
    return clean;
  });

describe('toTokenCount (the documented rule)', () => {
  it.each([
    [undefined, undefined, false],
    [null, undefined, false],
    [0, 0, false],
    [17, 17, false],
    [12.4, 12, false],
    [12.5, 13, false],
    ['42', 42, false],
    [' 7 ', 7, false],
    [5n, 5, false],
    [Number.NaN, undefined, true],
    [Number.POSITIVE_INFINITY, undefined, true],
    [-1, undefined, true],
    [-0.4, undefined, true],
    [2 ** 53, undefined, true],
    [-5n, undefined, true],
    ['4.5', undefined, true],
    ['abc', undefined, true],
    [{}, undefined, true],
    [[3], undefined, true],
    [true, undefined, true],
  ])('%o → %o (noted: %s)', (input, expected, noted) => {
    const invalid: string[] = [];
    expect(toTokenCount(input, 'f', invalid)).toBe(expected);
    expect(invalid.length > 0).toBe(noted);
  });
});

describe('addUsage', () => {
  it('keeps unknown distinct from zero: unknown + unknown is unknown, unknown + n is n', () => {
    expect(addTokenCounts(undefined, undefined)).toBeUndefined();
    expect(addTokenCounts(undefined, 0)).toBe(0);
    expect(addUsage({ inputTokens: 3 }, { outputTokens: 4 })).toEqual({ inputTokens: 3, outputTokens: 4 });
    expect(addUsage(undefined, undefined)).toBeUndefined();
  });

  it('saturates at MAX_TOKEN_COUNT instead of losing precision', () => {
    expect(addTokenCounts(MAX_TOKEN_COUNT, 1)).toBe(MAX_TOKEN_COUNT);
  });

  it('drops raw from sums', () => {
    const a = createUsage({ inputTokens: 1 }, { provider: 'x' })!;
    expect(a.raw).toEqual({ provider: 'x' });
    expect(addUsage(a, undefined)!.raw).toBeUndefined();
    expect(addUsage(a, a)!.raw).toBeUndefined();
  });

  it('is commutative, associative, has an identity, and yields only safe non-negative integers (property)', () => {
    fc.assert(
      fc.property(usageArb, usageArb, usageArb, (a, b, c) => {
        const ab = addUsage(a, b);
        expect(ab).toEqual(addUsage(b, a));
        expect(addUsage(addUsage(a, b), c)).toEqual(addUsage(a, addUsage(b, c)));
        expect(addUsage(a, undefined)).toEqual(a);
        for (const field of USAGE_COUNT_FIELDS) {
          const value = ab?.[field];
          if (value === undefined) {
            expect(a?.[field]).toBeUndefined();
            expect(b?.[field]).toBeUndefined();
          } else {
            expect(Number.isSafeInteger(value) && value >= 0).toBe(true);
            if (value < MAX_TOKEN_COUNT) expect(value).toBe((a?.[field] ?? 0) + (b?.[field] ?? 0));
          }
        }
      }),
    );
  });

  it('sums exactly when the totals stay below 2^53 (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1_000_000_000), { maxLength: 200 }), (counts) => {
        const total = counts.reduce<Usage | undefined>(
          (sum, n) => addUsage(sum, { inputTokens: n }),
          undefined,
        );
        expect(total?.inputTokens).toBe(counts.length === 0 ? undefined : counts.reduce((x, y) => x + y, 0));
      }),
    );
  });
});
