import { field, isObject } from './read-fields.js';
import { createUsage, toTokenCount, type Usage } from './usage.js';

/**
 * OpenAI Chat Completions `usage`: `prompt_tokens` already includes `cached_tokens`,
 * `completion_tokens` already includes `reasoning_tokens`.
 */
export function fromOpenAIChatUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const prompt = field(raw, 'prompt_tokens_details');
  const completion = field(raw, 'completion_tokens_details');
  return createUsage(
    {
      inputTokens: toTokenCount(field(raw, 'prompt_tokens'), 'prompt_tokens', invalid),
      outputTokens: toTokenCount(field(raw, 'completion_tokens'), 'completion_tokens', invalid),
      reportedTotalTokens: toTokenCount(field(raw, 'total_tokens'), 'total_tokens', invalid),
      cacheReadTokens: toTokenCount(
        field(prompt, 'cached_tokens'),
        'prompt_tokens_details.cached_tokens',
        invalid,
      ),
      cacheWriteTokens: toTokenCount(
        field(prompt, 'cache_write_tokens') ?? field(raw, 'cache_write_tokens'),
        'cache_write_tokens',
        invalid,
      ),
      reasoningTokens: toTokenCount(
        field(completion, 'reasoning_tokens'),
        'completion_tokens_details.reasoning_tokens',
        invalid,
      ),
      audioInputTokens: toTokenCount(
        field(prompt, 'audio_tokens'),
        'prompt_tokens_details.audio_tokens',
        invalid,
      ),
      audioOutputTokens: toTokenCount(
        field(completion, 'audio_tokens'),
        'completion_tokens_details.audio_tokens',
        invalid,
      ),
    },
    raw,
    invalid,
  );
}

/**
 * OpenAI Responses API `usage`: `input_tokens` includes `input_tokens_details.cached_tokens`,
 * `output_tokens` includes `output_tokens_details.reasoning_tokens`.
 */
export function fromOpenAIResponsesUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const input = field(raw, 'input_tokens_details');
  const output = field(raw, 'output_tokens_details');
  return createUsage(
    {
      inputTokens: toTokenCount(field(raw, 'input_tokens'), 'input_tokens', invalid),
      outputTokens: toTokenCount(field(raw, 'output_tokens'), 'output_tokens', invalid),
      reportedTotalTokens: toTokenCount(field(raw, 'total_tokens'), 'total_tokens', invalid),
      cacheReadTokens: toTokenCount(
        field(input, 'cached_tokens'),
        'input_tokens_details.cached_tokens',
        invalid,
      ),
      cacheWriteTokens: toTokenCount(
        field(input, 'cache_write_tokens'),
        'input_tokens_details.cache_write_tokens',
        invalid,
      ),
      reasoningTokens: toTokenCount(
        field(output, 'reasoning_tokens'),
        'output_tokens_details.reasoning_tokens',
        invalid,
      ),
    },
    raw,
    invalid,
  );
}
