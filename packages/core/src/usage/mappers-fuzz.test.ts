import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostile } from '../recorder/hostile-values.js';
import { fromAiSdkProviderUsage, fromAiSdkUsage } from './from-ai-sdk.js';
import { fromAnthropicUsage } from './from-anthropic.js';
import { fromBedrockConverseUsage } from './from-bedrock.js';
import { fromGeminiUsage } from './from-gemini.js';
import { fromLangChainUsageMetadata } from './from-langchain.js';
import { fromMastraSpanUsage, fromMastraUsage } from './from-mastra.js';
import { fromOpenAIAgentsUsage } from './from-openai-agents.js';
import { fromOpenAIChatUsage, fromOpenAIResponsesUsage } from './from-openai.js';
import { fromLlamaIndexRaw, fromProviderUsage } from './detect-usage.js';
import { USAGE_COUNT_FIELDS, type Usage } from './usage.js';
import { addUsage } from './usage-total.js';

const MAPPERS: Record<string, (raw: unknown) => Usage | undefined> = {
  fromOpenAIChatUsage,
  fromOpenAIResponsesUsage,
  fromAnthropicUsage,
  fromGeminiUsage,
  fromBedrockConverseUsage,
  fromLangChainUsageMetadata,
  fromAiSdkUsage,
  fromAiSdkProviderUsage,
  fromOpenAIAgentsUsage,
  fromMastraUsage,
  fromMastraSpanUsage,
  fromProviderUsage,
  fromLlamaIndexRaw,
};

/** Every key any mapper reads, so that junk reaches the number handling and not just the shape check. */
const KEYS = [
  'prompt_tokens',
  'completion_tokens',
  'total_tokens',
  'prompt_tokens_details',
  'completion_tokens_details',
  'cached_tokens',
  'reasoning_tokens',
  'audio_tokens',
  'cache_write_tokens',
  'input_tokens',
  'output_tokens',
  'input_tokens_details',
  'output_tokens_details',
  'cache_creation_input_tokens',
  'cache_read_input_tokens',
  'promptTokenCount',
  'candidatesTokenCount',
  'totalTokenCount',
  'cachedContentTokenCount',
  'thoughtsTokenCount',
  'inputTokens',
  'outputTokens',
  'totalTokens',
  'cacheReadInputTokens',
  'cacheWriteInputTokens',
  'input_token_details',
  'output_token_details',
  'cache_read',
  'cache_creation',
  'reasoning',
  'audio',
  'inputTokenDetails',
  'outputTokenDetails',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'cachedInputTokens',
  'noCacheTokens',
  'textTokens',
  'usage',
  'usageMetadata',
  'raw',
  'requestUsageEntries',
  'promptTokens',
  'completionTokens',
  'details',
  'inputDetails',
  'outputDetails',
  'total',
  'noCache',
];

const junkNumber = fc.oneof(fc.double(), fc.integer(), fc.bigInt(), fc.string({ maxLength: 25 }), hostile);

const shaped: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    junkNumber,
    fc.dictionary(fc.constantFrom(...KEYS), tie('node'), { maxKeys: 8 }),
    fc.array(tie('node'), { maxLength: 3 }),
  ),
})).node;

function checkUsage(usage: Usage | undefined): string[] {
  const problems: string[] = [];
  if (usage === undefined) return problems;
  for (const field of USAGE_COUNT_FIELDS) {
    const value = usage[field];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0))
      problems.push(`${field}=${value}`);
  }
  if (
    usage.invalid !== undefined &&
    !(usage.invalid.length <= 16 && usage.invalid.every((n) => typeof n === 'string'))
  )
    problems.push('invalid notes');
  JSON.stringify(usage);
  return problems;
}

describe('every usage mapper under arbitrary input (property-based)', () => {
  it('never throws and only ever returns non-negative safe integer counts', () => {
    const totals = { calls: 0, throws: 0, bad: 0, reported: 0 };
    fc.assert(
      fc.property(fc.oneof(shaped, fc.anything({ maxDepth: 2 }), hostile), (raw) => {
        let sum: Usage | undefined;
        for (const mapper of Object.values(MAPPERS)) {
          totals.calls++;
          try {
            const usage = mapper(raw);
            if (checkUsage(usage).length > 0) totals.bad++;
            if (usage) totals.reported++;
            sum = addUsage(sum, usage);
          } catch {
            totals.throws++;
          }
        }
        if (checkUsage(sum).length > 0) totals.bad++;
      }),
      { numRuns: 1500 },
    );
    if (process.env.RELIABILITY_REPORT) console.info(JSON.stringify(totals));
    expect(totals.calls).toBe(1500 * 13);
    expect(totals.throws).toBe(0);
    expect(totals.bad).toBe(0);
    expect(totals.reported).toBeGreaterThan(100);
  }, 60_000);

  it('a cyclic stream of chunks (LlamaIndex raw) ends without recursing forever', () => {
    const chunks: unknown[] = [];
    chunks.push(chunks, { raw: chunks });
    expect(fromLlamaIndexRaw(chunks)).toBeUndefined();
    const deep: unknown[] = [];
    let cursor = deep;
    for (let i = 0; i < 100_000; i++) {
      const next: unknown[] = [];
      cursor.push(next);
      cursor = next;
    }
    expect(fromLlamaIndexRaw(deep)).toBeUndefined();
    const wide: unknown[] = [];
    for (let i = 0; i < 1000; i++) wide.push(wide);
    expect(fromLlamaIndexRaw(wide)).toBeUndefined();
  });
});
