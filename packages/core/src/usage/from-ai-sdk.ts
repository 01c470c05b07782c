import { addTokenCounts, createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

/**
 * AI SDK provider-level usage, as a `LanguageModelMiddleware` sees it:
 * - V3/V4 (ai 6 and 7): `{ inputTokens: { total, noCache, cacheRead, cacheWrite }, outputTokens: { total, text, reasoning } }`;
 *   `total` includes the parts; when absent it is the sum of the parts.
 * - V2 (ai 5): flat, handled by {@link fromAiSdkUsage}.
 */
export function fromAiSdkProviderUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const input = field(raw, 'inputTokens');
  const output = field(raw, 'outputTokens');
  if (!isObject(input) && !isObject(output)) return fromAiSdkUsage(raw);
  const invalid: string[] = [];
  const noCache = toTokenCount(field(input, 'noCache'), 'inputTokens.noCache', invalid);
  const cacheRead = toTokenCount(field(input, 'cacheRead'), 'inputTokens.cacheRead', invalid);
  const cacheWrite = toTokenCount(field(input, 'cacheWrite'), 'inputTokens.cacheWrite', invalid);
  const text = toTokenCount(field(output, 'text'), 'outputTokens.text', invalid);
  const reasoning = toTokenCount(field(output, 'reasoning'), 'outputTokens.reasoning', invalid);
  return createUsage(
    {
      inputTokens:
        toTokenCount(field(input, 'total'), 'inputTokens.total', invalid) ??
        addTokenCounts(addTokenCounts(noCache, cacheRead), cacheWrite),
      outputTokens:
        toTokenCount(field(output, 'total'), 'outputTokens.total', invalid) ??
        addTokenCounts(text, reasoning),
      cacheReadTokens: cacheRead,
      cacheWriteTokens: cacheWrite,
      reasoningTokens: reasoning,
    },
    field(raw, 'raw') ?? raw,
    invalid,
  );
}

/**
 * AI SDK result-level usage (`result.usage`, `totalUsage`, telemetry events):
 * - ai 6/7: `{ inputTokens, inputTokenDetails: { noCacheTokens, cacheReadTokens, cacheWriteTokens }, outputTokens, outputTokenDetails: { textTokens, reasoningTokens }, totalTokens }`;
 * - ai 5 (and V2 providers): flat `{ inputTokens, outputTokens, totalTokens, reasoningTokens, cachedInputTokens }`.
 * `inputTokens` includes cached tokens; `outputTokens` includes reasoning.
 */
export function fromAiSdkUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const input = field(raw, 'inputTokenDetails');
  const output = field(raw, 'outputTokenDetails');
  return createUsage(
    {
      inputTokens: toTokenCount(field(raw, 'inputTokens'), 'inputTokens', invalid),
      outputTokens: toTokenCount(field(raw, 'outputTokens'), 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(field(raw, 'totalTokens'), 'totalTokens', invalid),
      cacheReadTokens: toTokenCount(
        field(input, 'cacheReadTokens') ?? field(raw, 'cachedInputTokens'),
        'inputTokenDetails.cacheReadTokens',
        invalid,
      ),
      cacheWriteTokens: toTokenCount(
        field(input, 'cacheWriteTokens'),
        'inputTokenDetails.cacheWriteTokens',
        invalid,
      ),
      reasoningTokens: toTokenCount(
        field(output, 'reasoningTokens') ?? field(raw, 'reasoningTokens'),
        'outputTokenDetails.reasoningTokens',
        invalid,
      ),
    },
    field(raw, 'raw') ?? raw,
    invalid,
  );
}
