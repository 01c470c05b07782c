import { addTokenCounts, createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

/**
 * Bedrock Converse `usage`: `inputTokens` excludes prompt-cache reads and writes, which are added
 * (`totalTokens` as reported includes them).
 */
export function fromBedrockConverseUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const cacheRead = toTokenCount(field(raw, 'cacheReadInputTokens'), 'cacheReadInputTokens', invalid);
  const cacheWrite = toTokenCount(field(raw, 'cacheWriteInputTokens'), 'cacheWriteInputTokens', invalid);
  return createUsage(
    {
      inputTokens: addTokenCounts(
        addTokenCounts(toTokenCount(field(raw, 'inputTokens'), 'inputTokens', invalid), cacheRead),
        cacheWrite,
      ),
      outputTokens: toTokenCount(field(raw, 'outputTokens'), 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(field(raw, 'totalTokens'), 'totalTokens', invalid),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    raw,
    invalid,
  );
}
