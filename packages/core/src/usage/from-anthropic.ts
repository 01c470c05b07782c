import { addTokenCounts, createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

/**
 * Anthropic Messages `usage`: `input_tokens` counts only uncached input, so cache reads
 * (`cache_read_input_tokens`) and cache writes (`cache_creation_input_tokens`) are added to it.
 * Thinking tokens are inside `output_tokens` and not reported apart.
 */
export function fromAnthropicUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const uncached = toTokenCount(field(raw, 'input_tokens'), 'input_tokens', invalid);
  const cacheRead = toTokenCount(field(raw, 'cache_read_input_tokens'), 'cache_read_input_tokens', invalid);
  const cacheWrite = toTokenCount(
    field(raw, 'cache_creation_input_tokens'),
    'cache_creation_input_tokens',
    invalid,
  );
  return createUsage(
    {
      inputTokens: addTokenCounts(addTokenCounts(uncached, cacheRead), cacheWrite),
      outputTokens: toTokenCount(field(raw, 'output_tokens'), 'output_tokens', invalid),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    raw,
    invalid,
  );
}
