import { createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

/**
 * LangChain `AIMessage.usage_metadata`: `input_tokens` is the sum of every input kind (cache reads
 * and writes included); `output_tokens` includes reasoning.
 */
export function fromLangChainUsageMetadata(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const input = field(raw, 'input_token_details');
  const output = field(raw, 'output_token_details');
  return createUsage(
    {
      inputTokens: toTokenCount(field(raw, 'input_tokens'), 'input_tokens', invalid),
      outputTokens: toTokenCount(field(raw, 'output_tokens'), 'output_tokens', invalid),
      reportedTotalTokens: toTokenCount(field(raw, 'total_tokens'), 'total_tokens', invalid),
      cacheReadTokens: toTokenCount(field(input, 'cache_read'), 'input_token_details.cache_read', invalid),
      cacheWriteTokens: toTokenCount(
        field(input, 'cache_creation'),
        'input_token_details.cache_creation',
        invalid,
      ),
      reasoningTokens: toTokenCount(field(output, 'reasoning'), 'output_token_details.reasoning', invalid),
      audioInputTokens: toTokenCount(field(input, 'audio'), 'input_token_details.audio', invalid),
      audioOutputTokens: toTokenCount(field(output, 'audio'), 'output_token_details.audio', invalid),
    },
    raw,
    invalid,
  );
}
