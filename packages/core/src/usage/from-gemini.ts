import { type Fields, isObject, readField, readFields } from './read-fields.js';
import { addTokenCounts, mappedUsage, toTokenCount, type Usage } from './usage.js';

/** The audio entries of a Gemini `ModalityTokenCount[]`, summed (rare: read field by field). */
function audioTokens(details: unknown, path: string, invalid: string[]): number | undefined {
  if (!Array.isArray(details)) return undefined;
  let total: number | undefined;
  for (const entry of details) {
    if (readField(entry, 'modality') === 'AUDIO')
      total = addTokenCounts(total, toTokenCount(readField(entry, 'tokenCount'), path, invalid));
  }
  return total;
}

const readUsageMetadata = (s: Fields) => ({
  thoughts: s.thoughtsTokenCount,
  prompt: s.promptTokenCount,
  toolUsePrompt: s.toolUsePromptTokenCount,
  candidates: s.candidatesTokenCount,
  total: s.totalTokenCount,
  cached: s.cachedContentTokenCount,
  promptDetails: s.promptTokensDetails,
  candidatesDetails: s.candidatesTokensDetails,
});

/**
 * Gemini `usageMetadata`: `promptTokenCount` includes `cachedContentTokenCount`; tool-use prompt
 * tokens are input too. `candidatesTokenCount` excludes thinking, so `thoughtsTokenCount` is added
 * to output (and reported as reasoning).
 */
export function fromGeminiUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readUsageMetadata);
  const thoughts = toTokenCount(f.thoughts, 'thoughtsTokenCount', invalid);
  return mappedUsage(
    {
      inputTokens: addTokenCounts(
        toTokenCount(f.prompt, 'promptTokenCount', invalid),
        toTokenCount(f.toolUsePrompt, 'toolUsePromptTokenCount', invalid),
      ),
      outputTokens: addTokenCounts(toTokenCount(f.candidates, 'candidatesTokenCount', invalid), thoughts),
      reportedTotalTokens: toTokenCount(f.total, 'totalTokenCount', invalid),
      cacheReadTokens: toTokenCount(f.cached, 'cachedContentTokenCount', invalid),
      reasoningTokens: thoughts,
      audioInputTokens: audioTokens(f.promptDetails, 'promptTokensDetails.tokenCount', invalid),
      audioOutputTokens: audioTokens(f.candidatesDetails, 'candidatesTokensDetails.tokenCount', invalid),
    },
    raw,
    invalid,
  );
}
