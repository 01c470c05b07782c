import { type Fields, isObject, readFields } from './read-fields.js';
import { addTokenCounts, mappedUsage, toTokenCount, type Usage } from './usage.js';

export interface StrandsUsageOptions {
  /**
   * Whether the provider put cache reads and writes inside `inputTokens`: `true` for the OpenAI
   * (chat and responses), Google and Vercel providers of the Strands SDK, `false` for Anthropic
   * and Bedrock, whose `inputTokens` is the uncached remainder.
   */
  cacheInInput: boolean;
  /**
   * Whether `totalTokens` is the provider's own and counts the cache (Bedrock's does). Strands'
   * non-streamed Bedrock path drops the cache fields; the input is then at least the total less
   * the output (the cache, unsplit into reads and writes, included).
   */
  totalIncludesCache?: boolean;
}

const readStrandsUsage = (s: Fields) => ({
  input: s.inputTokens,
  cacheRead: s.cacheReadInputTokens,
  cacheWrite: s.cacheWriteInputTokens,
  output: s.outputTokens,
  total: s.totalTokens,
});

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
  const f = readFields(raw, readStrandsUsage);
  const input = toTokenCount(f.input, 'inputTokens', invalid);
  const cacheRead = toTokenCount(f.cacheRead, 'cacheReadInputTokens', invalid);
  const cacheWrite = toTokenCount(f.cacheWrite, 'cacheWriteInputTokens', invalid);
  const cacheInInput = options.cacheInInput;
  const output = toTokenCount(f.output, 'outputTokens', invalid);
  let wholeInput = cacheInInput ? input : addTokenCounts(addTokenCounts(input, cacheRead), cacheWrite);
  if (!cacheInInput && options.totalIncludesCache) {
    const total = toTokenCount(f.total, 'totalTokens', invalid);
    if (total !== undefined && total - (output ?? 0) > (wholeInput ?? 0)) wholeInput = total - (output ?? 0);
  }
  return mappedUsage(
    {
      inputTokens: wholeInput,
      outputTokens: output,
      reportedTotalTokens: cacheInInput ? toTokenCount(f.total, 'totalTokens', invalid) : undefined,
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    raw,
    invalid,
  );
}
