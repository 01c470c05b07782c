import { describe, expect, it } from 'vitest';
import { fromStrandsUsage } from './from-strands.js';

describe('fromStrandsUsage', () => {
  it('keeps inputTokens and the reported total when the provider put the cache inside the input (OpenAI)', () => {
    const usage = fromStrandsUsage(
      { inputTokens: 1000, outputTokens: 300, totalTokens: 1300, cacheReadInputTokens: 800 },
      { cacheInInput: true },
    );
    expect({ ...usage }).toEqual({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
      cacheReadTokens: 800,
    });
  });

  it('adds cache reads and writes to the input and recomputes the total when they are beside it (Anthropic)', () => {
    // Strands' Anthropic provider reports totalTokens = inputTokens + outputTokens, cache left out
    const usage = fromStrandsUsage(
      {
        inputTokens: 150,
        outputTokens: 300,
        totalTokens: 450,
        cacheReadInputTokens: 800,
        cacheWriteInputTokens: 50,
      },
      { cacheInInput: false },
    );
    expect({ ...usage }).toEqual({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
      cacheReadTokens: 800,
      cacheWriteTokens: 50,
    });
  });

  it("takes Bedrock's own total (cache included) when Strands dropped the cache fields (non-streamed Converse)", () => {
    // Bedrock: inputTokens 150 uncached, totalTokens 1300 = 150 + 800 read + 50 written + 300 output
    const dropped = { inputTokens: 150, outputTokens: 300, totalTokens: 1300 };
    expect({ ...fromStrandsUsage(dropped, { cacheInInput: false, totalIncludesCache: true }) }).toEqual({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
    });
    // with the cache fields the input is the same, and the split is kept
    const full = { ...dropped, cacheReadInputTokens: 800, cacheWriteInputTokens: 50 };
    expect({ ...fromStrandsUsage(full, { cacheInInput: false, totalIncludesCache: true }) }).toEqual({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
      cacheReadTokens: 800,
      cacheWriteTokens: 50,
    });
    // without the option (Anthropic: its total leaves the cache out) the total is never taken
    expect(fromStrandsUsage(dropped, { cacheInInput: false })?.inputTokens).toBe(150);
  });

  it('returns undefined for anything that is not a usage object', () => {
    expect(fromStrandsUsage(undefined, { cacheInInput: true })).toBeUndefined();
    expect(fromStrandsUsage(42, { cacheInInput: false })).toBeUndefined();
  });
});
