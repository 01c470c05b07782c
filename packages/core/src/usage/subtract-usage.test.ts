import { describe, expect, it } from 'vitest';
import { subtractUsage } from './subtract-usage.js';
import { createUsage } from './usage.js';

describe('subtractUsage', () => {
  it('removes the excess from every field it names and keeps the rest, raw included', () => {
    const raw = { output_tokens: 8 };
    const usage = createUsage({ inputTokens: 12, outputTokens: 8, cacheReadTokens: 4 }, raw);
    const corrected = subtractUsage(usage, { outputTokens: 1, totalTokens: 1 });
    expect(corrected).toEqual({ inputTokens: 12, outputTokens: 7, totalTokens: 19, cacheReadTokens: 4 });
    expect(corrected?.raw).toBe(raw);
    expect(Object.keys(corrected ?? {})).not.toContain('raw');
    expect(usage).toEqual({ inputTokens: 12, outputTokens: 8, totalTokens: 20, cacheReadTokens: 4 });
  });

  it('changes nothing when a named field was not reported or holds less than the excess', () => {
    const noOutput = createUsage({ inputTokens: 5 });
    expect(subtractUsage(noOutput, { outputTokens: 1, totalTokens: 1 })).toBe(noOutput);
    const zero = createUsage({ inputTokens: 5, outputTokens: 0 });
    expect(subtractUsage(zero, { outputTokens: 1, totalTokens: 1 })).toBe(zero);
    expect(subtractUsage(undefined, { outputTokens: 1 })).toBeUndefined();
  });
});
