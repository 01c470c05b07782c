import { type Fields, isObject, readFields } from './read-fields.js';
import { addTokenCounts, mappedUsage, toTokenCount, type Usage } from './usage.js';

const readCacheReads = (s: Fields) => ({ first: s.cached_tokens, second: s.cached_input_tokens });
const readCacheWrites = (s: Fields) => ({ first: s.cache_write_tokens, second: s.cache_write_input_tokens });
const readReasoning = (s: Fields) => ({ first: s.reasoning_tokens, second: undefined });

/**
 * Sums one kind of detail over the details' entries (one per request), each entry read by `read`
 * (its count under either of two names, the names given for the notes of invalid counts).
 */
function sumDetail(
  details: unknown,
  read: (entry: Fields) => { first: unknown; second: unknown },
  names: readonly [string, string?],
  invalid: string[],
): number | undefined {
  const entries = Array.isArray(details) ? details : isObject(details) ? [details] : [];
  let total: number | undefined;
  for (const entry of entries) {
    if (!isObject(entry)) continue;
    const counts = readFields(entry, read);
    total = addTokenCounts(total, toTokenCount(counts.first, names[0], invalid));
    if (names[1] !== undefined) total = addTokenCounts(total, toTokenCount(counts.second, names[1], invalid));
  }
  return total;
}

const readAgentsUsage = (s: Fields) => ({
  inputDetails: s.inputTokensDetails ?? s.input_tokens_details,
  outputDetails: s.outputTokensDetails ?? s.output_tokens_details,
  input: s.inputTokens ?? s.input_tokens,
  output: s.outputTokens ?? s.output_tokens,
  total: s.totalTokens ?? s.total_tokens,
});

/**
 * OpenAI Agents SDK `Usage` (the run's `state.usage`, or a `ModelResponse.usage` of one request):
 * `inputTokens` includes cached tokens; the details hold one entry per request, summed here
 * (`cached_tokens` + `cached_input_tokens` for cache reads, `cache_write_tokens` +
 * `cache_write_input_tokens` for writes, `reasoning_tokens` for reasoning).
 */
export function fromOpenAIAgentsUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readAgentsUsage);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.input, 'inputTokens', invalid),
      outputTokens: toTokenCount(f.output, 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'totalTokens', invalid),
      cacheReadTokens: sumDetail(
        f.inputDetails,
        readCacheReads,
        ['cached_tokens', 'cached_input_tokens'],
        invalid,
      ),
      cacheWriteTokens: sumDetail(
        f.inputDetails,
        readCacheWrites,
        ['cache_write_tokens', 'cache_write_input_tokens'],
        invalid,
      ),
      reasoningTokens: sumDetail(f.outputDetails, readReasoning, ['reasoning_tokens'], invalid),
    },
    raw,
    invalid,
  );
}
