import { type Fields, isObject, readFields } from './read-fields.js';
import { addTokenCounts, mappedUsage, toTokenCount, type Usage } from './usage.js';

const readProviderUsage = (s: Fields) => ({
  input: s.inputTokens,
  output: s.outputTokens,
  raw: s.raw,
});

const readProviderDetails = (s: Fields) => ({
  noCache: s.inputTokens?.noCache,
  cacheRead: s.inputTokens?.cacheRead,
  cacheWrite: s.inputTokens?.cacheWrite,
  text: s.outputTokens?.text,
  reasoning: s.outputTokens?.reasoning,
  inputTotal: s.inputTokens?.total,
  outputTotal: s.outputTokens?.total,
});

/**
 * AI SDK provider-level usage, as a `LanguageModelMiddleware` sees it:
 * - V3/V4 (ai 6 and 7): `{ inputTokens: { total, noCache, cacheRead, cacheWrite }, outputTokens: { total, text, reasoning } }`;
 *   `total` includes the parts; when absent it is the sum of the parts.
 * - V2 (ai 5): flat, handled by {@link fromAiSdkUsage}.
 */
export function fromAiSdkProviderUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const top = readFields(raw, readProviderUsage);
  if (!isObject(top.input) && !isObject(top.output)) return fromAiSdkUsage(raw);
  const f = readFields(raw, readProviderDetails);
  const invalid: string[] = [];
  const noCache = toTokenCount(f.noCache, 'inputTokens.noCache', invalid);
  const cacheRead = toTokenCount(f.cacheRead, 'inputTokens.cacheRead', invalid);
  const cacheWrite = toTokenCount(f.cacheWrite, 'inputTokens.cacheWrite', invalid);
  const text = toTokenCount(f.text, 'outputTokens.text', invalid);
  const reasoning = toTokenCount(f.reasoning, 'outputTokens.reasoning', invalid);
  return mappedUsage(
    {
      inputTokens:
        toTokenCount(f.inputTotal, 'inputTokens.total', invalid) ??
        addTokenCounts(addTokenCounts(noCache, cacheRead), cacheWrite),
      outputTokens:
        toTokenCount(f.outputTotal, 'outputTokens.total', invalid) ?? addTokenCounts(text, reasoning),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      reasoningTokens: reasoning,
    },
    top.raw ?? raw,
    invalid,
  );
}

const readResultUsage = (s: Fields) => ({
  input: s.inputTokens,
  output: s.outputTokens,
  total: s.totalTokens,
  cacheRead: s.inputTokenDetails?.cacheReadTokens ?? s.cachedInputTokens,
  cacheWrite: s.inputTokenDetails?.cacheWriteTokens,
  reasoning: s.outputTokenDetails?.reasoningTokens ?? s.reasoningTokens,
  raw: s.raw,
});

/**
 * AI SDK result-level usage (`result.usage`, `totalUsage`, telemetry events):
 * - ai 6/7: `{ inputTokens, inputTokenDetails: { noCacheTokens, cacheReadTokens, cacheWriteTokens }, outputTokens, outputTokenDetails: { textTokens, reasoningTokens }, totalTokens }`;
 * - ai 5 (and V2 providers): flat `{ inputTokens, outputTokens, totalTokens, reasoningTokens, cachedInputTokens }`.
 * `inputTokens` includes cached tokens; `outputTokens` includes reasoning.
 */
export function fromAiSdkUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readResultUsage);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.input, 'inputTokens', invalid),
      outputTokens: toTokenCount(f.output, 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'totalTokens', invalid),
      cacheReadTokens: toTokenCount(f.cacheRead, 'inputTokenDetails.cacheReadTokens', invalid),
      cacheWriteTokens: toTokenCount(f.cacheWrite, 'inputTokenDetails.cacheWriteTokens', invalid),
      reasoningTokens: toTokenCount(f.reasoning, 'outputTokenDetails.reasoningTokens', invalid),
    },
    f.raw ?? raw,
    invalid,
  );
}
