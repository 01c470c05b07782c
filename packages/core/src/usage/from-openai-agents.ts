import { addTokenCounts, createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

function sumDetail(details: unknown, keys: readonly string[], invalid: string[]): number | undefined {
  const entries = Array.isArray(details) ? details : isObject(details) ? [details] : [];
  let total: number | undefined;
  for (const entry of entries) {
    for (const key of keys) total = addTokenCounts(total, toTokenCount(field(entry, key), key, invalid));
  }
  return total;
}

/**
 * OpenAI Agents SDK `Usage` (the run's `state.usage`, or a `ModelResponse.usage` of one request):
 * `inputTokens` includes cached tokens; the details hold one entry per request, summed here
 * (`cached_tokens` + `cached_input_tokens` for cache reads, `cache_write_tokens` +
 * `cache_write_input_tokens` for writes, `reasoning_tokens` for reasoning).
 */
export function fromOpenAIAgentsUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const inputDetails = field(raw, 'inputTokensDetails') ?? field(raw, 'input_tokens_details');
  const outputDetails = field(raw, 'outputTokensDetails') ?? field(raw, 'output_tokens_details');
  return createUsage(
    {
      inputTokens: toTokenCount(
        field(raw, 'inputTokens') ?? field(raw, 'input_tokens'),
        'inputTokens',
        invalid,
      ),
      outputTokens: toTokenCount(
        field(raw, 'outputTokens') ?? field(raw, 'output_tokens'),
        'outputTokens',
        invalid,
      ),
      reportedTotalTokens: toTokenCount(
        field(raw, 'totalTokens') ?? field(raw, 'total_tokens'),
        'totalTokens',
        invalid,
      ),
      cacheReadTokens: sumDetail(inputDetails, ['cached_tokens', 'cached_input_tokens'], invalid),
      cacheWriteTokens: sumDetail(inputDetails, ['cache_write_tokens', 'cache_write_input_tokens'], invalid),
      reasoningTokens: sumDetail(outputDetails, ['reasoning_tokens'], invalid),
    },
    raw,
    invalid,
  );
}
