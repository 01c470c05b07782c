import { addTokenCounts, createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

export interface StrandsUsageOptions {
  /**
   * Whether the provider put cache reads and writes inside `inputTokens`: `true` for the OpenAI
   * (chat and responses), Google and Vercel providers of the Strands SDK, `false` for Anthropic
   * and Bedrock, whose `inputTokens` is the uncached remainder.
   */
  cacheInInput: boolean;
}

/**
 * Strands Agents' `Usage` (`{ inputTokens, outputTokens, totalTokens, cacheReadInputTokens?,
 * cacheWriteInputTokens? }` on `modelMetadataEvent` and `AfterModelCallEvent.stopData`). Its
 * meaning depends on the provider ({@link StrandsUsageOptions.cacheInInput}). Where the cache is
 * beside the input, `totalTokens` is Strands' own `inputTokens + outputTokens` (the cache left
 * out), so it is not taken: the total is computed from the whole input.
 */
export function fromStrandsUsage(raw: unknown, options: StrandsUsageOptions): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const input = toTokenCount(field(raw, 'inputTokens'), 'inputTokens', invalid);
  const cacheRead = toTokenCount(field(raw, 'cacheReadInputTokens'), 'cacheReadInputTokens', invalid);
  const cacheWrite = toTokenCount(field(raw, 'cacheWriteInputTokens'), 'cacheWriteInputTokens', invalid);
  const cacheInInput = options.cacheInInput;
  return createUsage(
    {
      inputTokens: cacheInInput ? input : addTokenCounts(addTokenCounts(input, cacheRead), cacheWrite),
      outputTokens: toTokenCount(field(raw, 'outputTokens'), 'outputTokens', invalid),
      reportedTotalTokens: cacheInInput
        ? toTokenCount(field(raw, 'totalTokens'), 'totalTokens', invalid)
        : undefined,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    raw,
    invalid,
  );
}
