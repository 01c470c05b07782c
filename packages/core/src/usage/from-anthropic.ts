import { type Fields, isObject, readFields } from './read-fields.js';
import { addTokenCounts, mappedUsage, toTokenCount, type Usage } from './usage.js';

const readAnthropicUsage = (s: Fields) => ({
  input: s.input_tokens,
  cacheRead: s.cache_read_input_tokens,
  cacheWrite: s.cache_creation_input_tokens,
  output: s.output_tokens,
});

/**
 * Anthropic Messages `usage`: `input_tokens` counts only uncached input, so cache reads
 * (`cache_read_input_tokens`) and cache writes (`cache_creation_input_tokens`) are added to it.
 * Thinking tokens are inside `output_tokens` and not reported apart.
 */
export function fromAnthropicUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readAnthropicUsage);
  const uncached = toTokenCount(f.input, 'input_tokens', invalid);
  const cacheRead = toTokenCount(f.cacheRead, 'cache_read_input_tokens', invalid);
  const cacheWrite = toTokenCount(f.cacheWrite, 'cache_creation_input_tokens', invalid);
  return mappedUsage(
    {
      inputTokens: addTokenCounts(addTokenCounts(uncached, cacheRead), cacheWrite),
      outputTokens: toTokenCount(f.output, 'output_tokens', invalid),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    raw,
    invalid,
  );
}
