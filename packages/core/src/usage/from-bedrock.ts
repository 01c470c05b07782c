import { type Fields, isObject, readFields } from './read-fields.js';
import { addTokenCounts, mappedUsage, toTokenCount, type Usage } from './usage.js';

const readConverseUsage = (s: Fields) => ({
  cacheRead: s.cacheReadInputTokens,
  cacheWrite: s.cacheWriteInputTokens,
  input: s.inputTokens,
  output: s.outputTokens,
  total: s.totalTokens,
});

/**
 * Bedrock Converse `usage`: `inputTokens` excludes prompt-cache reads and writes, which are added
 * (`totalTokens` as reported includes them).
 */
export function fromBedrockConverseUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readConverseUsage);
  const cacheRead = toTokenCount(f.cacheRead, 'cacheReadInputTokens', invalid);
  const cacheWrite = toTokenCount(f.cacheWrite, 'cacheWriteInputTokens', invalid);
  return mappedUsage(
    {
      inputTokens: addTokenCounts(
        addTokenCounts(toTokenCount(f.input, 'inputTokens', invalid), cacheRead),
        cacheWrite,
      ),
      outputTokens: toTokenCount(f.output, 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'totalTokens', invalid),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
    },
    raw,
    invalid,
  );
}
