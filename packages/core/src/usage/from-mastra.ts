import { createUsage, toTokenCount, type Usage } from './usage.js';
import { field, isObject } from './read-fields.js';

/**
 * Mastra's flat usage (`FullOutput.totalUsage`, `onFinish`): `inputTokens` includes
 * `cachedInputTokens` and `cacheCreationInputTokens`; `outputTokens` includes `reasoningTokens`.
 * `raw` (the last step's provider usage) is ignored: it is not a sum.
 */
export function fromMastraUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  return createUsage(
    {
      inputTokens: toTokenCount(field(raw, 'inputTokens'), 'inputTokens', invalid),
      outputTokens: toTokenCount(field(raw, 'outputTokens'), 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(field(raw, 'totalTokens'), 'totalTokens', invalid),
      cacheReadTokens: toTokenCount(field(raw, 'cachedInputTokens'), 'cachedInputTokens', invalid),
      cacheWriteTokens: toTokenCount(
        field(raw, 'cacheCreationInputTokens'),
        'cacheCreationInputTokens',
        invalid,
      ),
      reasoningTokens: toTokenCount(field(raw, 'reasoningTokens'), 'reasoningTokens', invalid),
    },
    raw,
    invalid,
  );
}

/**
 * Mastra span usage (`UsageStats` on `model_inference`/`model_step` span attributes):
 * `{ inputTokens, outputTokens, inputDetails: { cacheRead, cacheWrite, audio }, outputDetails: { reasoning, audio } }`,
 * input inclusive of cache, output inclusive of reasoning.
 */
export function fromMastraSpanUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const input = field(raw, 'inputDetails');
  const output = field(raw, 'outputDetails');
  return createUsage(
    {
      inputTokens: toTokenCount(field(raw, 'inputTokens'), 'inputTokens', invalid),
      outputTokens: toTokenCount(field(raw, 'outputTokens'), 'outputTokens', invalid),
      cacheReadTokens: toTokenCount(field(input, 'cacheRead'), 'inputDetails.cacheRead', invalid),
      cacheWriteTokens: toTokenCount(field(input, 'cacheWrite'), 'inputDetails.cacheWrite', invalid),
      reasoningTokens: toTokenCount(field(output, 'reasoning'), 'outputDetails.reasoning', invalid),
      audioInputTokens: toTokenCount(field(input, 'audio'), 'inputDetails.audio', invalid),
      audioOutputTokens: toTokenCount(field(output, 'audio'), 'outputDetails.audio', invalid),
    },
    raw,
    invalid,
  );
}
