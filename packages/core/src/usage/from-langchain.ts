import { type Fields, isObject, readFields } from './read-fields.js';
import { mappedUsage, toTokenCount, type Usage } from './usage.js';

const readUsageMetadata = (s: Fields) => ({
  input: s.input_tokens,
  output: s.output_tokens,
  total: s.total_tokens,
  cacheRead: s.input_token_details?.cache_read,
  cacheWrite: s.input_token_details?.cache_creation,
  reasoning: s.output_token_details?.reasoning,
  audioInput: s.input_token_details?.audio,
  audioOutput: s.output_token_details?.audio,
});

/**
 * LangChain `AIMessage.usage_metadata`: `input_tokens` is the sum of every input kind (cache reads
 * and writes included); `output_tokens` includes reasoning.
 */
export function fromLangChainUsageMetadata(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readUsageMetadata);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.input, 'input_tokens', invalid),
      outputTokens: toTokenCount(f.output, 'output_tokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'total_tokens', invalid),
      cacheReadTokens: toTokenCount(f.cacheRead, 'input_token_details.cache_read', invalid),
      cacheWriteTokens: toTokenCount(f.cacheWrite, 'input_token_details.cache_creation', invalid),
      reasoningTokens: toTokenCount(f.reasoning, 'output_token_details.reasoning', invalid),
      audioInputTokens: toTokenCount(f.audioInput, 'input_token_details.audio', invalid),
      audioOutputTokens: toTokenCount(f.audioOutput, 'output_token_details.audio', invalid),
    },
    raw,
    invalid,
  );
}
