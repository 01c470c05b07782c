import { addTokenCounts, createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

function audioTokens(details: unknown, path: string, invalid: string[]): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total: number | undefined;
  for (const entry of details) {
    if (field(entry, 'modality') === 'AUDIO')
      total = addTokenCounts(total, toTokenCount(field(entry, 'tokenCount'), path, invalid));
  }
  return total;
}

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`; tool-use prompt
 * tokens are input too. `candidatesTokenCount` excludes thinking, so `thoughtsTokenCount` is added
 * to output (and reported as reasoning).
 */
export function fromGeminiUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const thoughts = toTokenCount(field(raw, 'thoughtsTokenCount'), 'thoughtsTokenCount', invalid);
  return createUsage(
    {
      inputTokens: addTokenCounts(
        toTokenCount(field(raw, 'promptTokenCount'), 'promptTokenCount', invalid),
        toTokenCount(field(raw, 'toolUsePromptTokenCount'), 'toolUsePromptTokenCount', invalid),
      ),
      outputTokens: addTokenCounts(
        toTokenCount(field(raw, 'candidatesTokenCount'), 'candidatesTokenCount', invalid),
        thoughts,
      ),
      reportedTotalTokens: toTokenCount(field(raw, 'totalTokenCount'), 'totalTokenCount', invalid),
      cacheReadTokens: toTokenCount(
        field(raw, 'cachedContentTokenCount'),
        'cachedContentTokenCount',
        invalid,
      ),
      reasoningTokens: thoughts,
      audioInputTokens: audioTokens(
        field(raw, 'promptTokensDetails'),
        'promptTokensDetails.tokenCount',
        invalid,
      ),
      audioOutputTokens: audioTokens(
        field(raw, 'candidatesTokensDetails'),
        'candidatesTokensDetails.tokenCount',
        invalid,
      ),
    },
    raw,
    invalid,
  );
}
