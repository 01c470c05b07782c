import { type Fields, isObject, readFields } from './read-fields.js';
import { mappedUsage, toTokenCount, type Usage } from './usage.js';

const readChatUsage = (s: Fields) => ({
  prompt: s.prompt_tokens,
  completion: s.completion_tokens,
  total: s.total_tokens,
  cached: s.prompt_tokens_details?.cached_tokens,
  cacheWrite: s.prompt_tokens_details?.cache_write_tokens ?? s.cache_write_tokens,
  reasoning: s.completion_tokens_details?.reasoning_tokens,
  audioInput: s.prompt_tokens_details?.audio_tokens,
  audioOutput: s.completion_tokens_details?.audio_tokens,
});

/**
 * OpenAI Chat Completions `usage`: `prompt_tokens` already includes `cached_tokens`,
 * `completion_tokens` already includes `reasoning_tokens`.
 */
export function fromOpenAIChatUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readChatUsage);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.prompt, 'prompt_tokens', invalid),
      outputTokens: toTokenCount(f.completion, 'completion_tokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'total_tokens', invalid),
      cacheReadTokens: toTokenCount(f.cached, 'prompt_tokens_details.cached_tokens', invalid),
      cacheWriteTokens: toTokenCount(f.cacheWrite, 'cache_write_tokens', invalid),
      reasoningTokens: toTokenCount(f.reasoning, 'completion_tokens_details.reasoning_tokens', invalid),
      audioInputTokens: toTokenCount(f.audioInput, 'prompt_tokens_details.audio_tokens', invalid),
      audioOutputTokens: toTokenCount(f.audioOutput, 'completion_tokens_details.audio_tokens', invalid),
    },
    raw,
    invalid,
  );
}

const readResponsesUsage = (s: Fields) => ({
  input: s.input_tokens,
  output: s.output_tokens,
  total: s.total_tokens,
  cached: s.input_tokens_details?.cached_tokens,
  cacheWrite: s.input_tokens_details?.cache_write_tokens,
  reasoning: s.output_tokens_details?.reasoning_tokens,
});

/**
 * OpenAI Responses API `usage`: `input_tokens` includes `input_tokens_details.cached_tokens`,
 * `output_tokens` includes `output_tokens_details.reasoning_tokens`.
 */
export function fromOpenAIResponsesUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readResponsesUsage);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.input, 'input_tokens', invalid),
      outputTokens: toTokenCount(f.output, 'output_tokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'total_tokens', invalid),
      cacheReadTokens: toTokenCount(f.cached, 'input_tokens_details.cached_tokens', invalid),
      cacheWriteTokens: toTokenCount(f.cacheWrite, 'input_tokens_details.cache_write_tokens', invalid),
      reasoningTokens: toTokenCount(f.reasoning, 'output_tokens_details.reasoning_tokens', invalid),
    },
    raw,
    invalid,
  );
}
