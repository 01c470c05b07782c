import { type Fields, isObject, readFields } from './read-fields.js';
import { mappedUsage, toTokenCount, type Usage } from './usage.js';

const readMastraUsage = (s: Fields) => ({
  input: s.inputTokens,
  output: s.outputTokens,
  total: s.totalTokens,
  cacheRead: s.cachedInputTokens,
  cacheWrite: s.cacheCreationInputTokens,
  reasoning: s.reasoningTokens,
});

/**
 * Mastra's flat usage (`FullOutput.totalUsage`, `onFinish`): `inputTokens` includes
 * `cachedInputTokens` and `cacheCreationInputTokens`; `outputTokens` includes `reasoningTokens`.
 * `raw` (the last step's provider usage) is ignored: it is not a sum.
 */
export function fromMastraUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readMastraUsage);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.input, 'inputTokens', invalid),
      outputTokens: toTokenCount(f.output, 'outputTokens', invalid),
      reportedTotalTokens: toTokenCount(f.total, 'totalTokens', invalid),
      cacheReadTokens: toTokenCount(f.cacheRead, 'cachedInputTokens', invalid),
      cacheWriteTokens: toTokenCount(f.cacheWrite, 'cacheCreationInputTokens', invalid),
      reasoningTokens: toTokenCount(f.reasoning, 'reasoningTokens', invalid),
    },
    raw,
    invalid,
  );
}

const readMastraSpanUsage = (s: Fields) => ({
  input: s.inputTokens,
  output: s.outputTokens,
  cacheRead: s.inputDetails?.cacheRead,
  cacheWrite: s.inputDetails?.cacheWrite,
  reasoning: s.outputDetails?.reasoning,
  audioInput: s.inputDetails?.audio,
  audioOutput: s.outputDetails?.audio,
});

/**
 * Mastra span usage (`UsageStats` on `model_inference`/`model_step` span attributes):
 * `{ inputTokens, outputTokens, inputDetails: { cacheRead, cacheWrite, audio }, outputDetails: { reasoning, audio } }`,
 * input inclusive of cache, output inclusive of reasoning.
 */
export function fromMastraSpanUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const invalid: string[] = [];
  const f = readFields(raw, readMastraSpanUsage);
  return mappedUsage(
    {
      inputTokens: toTokenCount(f.input, 'inputTokens', invalid),
      outputTokens: toTokenCount(f.output, 'outputTokens', invalid),
      cacheReadTokens: toTokenCount(f.cacheRead, 'inputDetails.cacheRead', invalid),
      cacheWriteTokens: toTokenCount(f.cacheWrite, 'inputDetails.cacheWrite', invalid),
      reasoningTokens: toTokenCount(f.reasoning, 'outputDetails.reasoning', invalid),
      audioInputTokens: toTokenCount(f.audioInput, 'inputDetails.audio', invalid),
      audioOutputTokens: toTokenCount(f.audioOutput, 'outputDetails.audio', invalid),
    },
    raw,
    invalid,
  );
}
