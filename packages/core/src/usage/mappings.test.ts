import { describe, expect, it } from 'vitest';
import { fromLlamaIndexRaw, fromProviderUsage } from './detect-usage.js';
import { fromAiSdkProviderUsage, fromAiSdkUsage } from './from-ai-sdk.js';
import { fromAnthropicUsage } from './from-anthropic.js';
import { fromBedrockConverseUsage } from './from-bedrock.js';
import { fromGeminiUsage } from './from-gemini.js';
import { fromLangChainUsageMetadata } from './from-langchain.js';
import { fromMastraSpanUsage, fromMastraUsage } from './from-mastra.js';
import { fromOpenAIChatUsage, fromOpenAIResponsesUsage } from './from-openai.js';
import { fromOpenAIAgentsUsage } from './from-openai-agents.js';
import type { Usage } from './usage.js';

// Real-shaped fixtures: each is what the provider or framework hands over for one call in which
// 1000 input tokens were sent (800 of them read from cache) and 300 output tokens were produced
// (120 of them reasoning), unless the case says otherwise.
const openaiChat = {
  prompt_tokens: 1000,
  completion_tokens: 300,
  total_tokens: 1300,
  prompt_tokens_details: { cached_tokens: 800, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 120,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};
const openaiResponses = {
  input_tokens: 1000,
  input_tokens_details: { cached_tokens: 800 },
  output_tokens: 300,
  output_tokens_details: { reasoning_tokens: 120 },
  total_tokens: 1300,
};
// Anthropic: input_tokens is the uncached remainder; cache read 800 + cache write 50 are beside it.
const anthropic = {
  input_tokens: 150,
  cache_creation_input_tokens: 50,
  cache_read_input_tokens: 800,
  cache_creation: { ephemeral_5m_input_tokens: 50, ephemeral_1h_input_tokens: 0 },
  output_tokens: 300,
  service_tier: 'standard',
};
// Gemini: candidates exclude thinking; total = prompt + candidates + thoughts.
const gemini = {
  promptTokenCount: 1000,
  candidatesTokenCount: 180,
  thoughtsTokenCount: 120,
  totalTokenCount: 1300,
  cachedContentTokenCount: 800,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 1000 }],
};
// Bedrock Converse: inputTokens excludes cache reads and writes.
const bedrock = {
  inputTokens: 150,
  outputTokens: 300,
  totalTokens: 1300,
  cacheReadInputTokens: 800,
  cacheWriteInputTokens: 50,
};
const langchain = {
  input_tokens: 1000,
  output_tokens: 300,
  total_tokens: 1300,
  input_token_details: { cache_read: 800, audio: 0 },
  output_token_details: { reasoning: 120, audio: 0 },
};
const aiSdkV4Provider = {
  inputTokens: { total: 1000, noCache: 200, cacheRead: 800, cacheWrite: undefined },
  outputTokens: { total: 300, text: 180, reasoning: 120 },
  raw: openaiChat,
};
const aiSdkV7Result = {
  inputTokens: 1000,
  inputTokenDetails: { noCacheTokens: 200, cacheReadTokens: 800, cacheWriteTokens: undefined },
  outputTokens: 300,
  outputTokenDetails: { textTokens: 180, reasoningTokens: 120 },
  totalTokens: 1300,
};
const aiSdkV5Result = {
  inputTokens: 1000,
  outputTokens: 300,
  totalTokens: 1300,
  reasoningTokens: 120,
  cachedInputTokens: 800,
};
// OpenAI Agents run usage over two requests (600 + 400 input; 200 + 100 output).
const openaiAgents = {
  requests: 2,
  inputTokens: 1000,
  outputTokens: 300,
  totalTokens: 1300,
  inputTokensDetails: [{ cached_tokens: 500 }, { cached_tokens: 300 }],
  outputTokensDetails: [{ reasoning_tokens: 70 }, { reasoning_tokens: 50 }],
  requestUsageEntries: [
    {
      inputTokens: 600,
      outputTokens: 200,
      totalTokens: 800,
      inputTokensDetails: { cached_tokens: 500 },
      outputTokensDetails: { reasoning_tokens: 70 },
    },
    {
      inputTokens: 400,
      outputTokens: 100,
      totalTokens: 500,
      inputTokensDetails: { cached_tokens: 300 },
      outputTokensDetails: { reasoning_tokens: 50 },
    },
  ],
};
const mastraFlat = {
  inputTokens: 1000,
  outputTokens: 300,
  totalTokens: 1300,
  reasoningTokens: 120,
  cachedInputTokens: 800,
  cacheCreationInputTokens: 0,
  raw: { last: 'step' },
};
const mastraSpan = {
  inputTokens: 1000,
  outputTokens: 300,
  inputDetails: { cacheRead: 800, cacheWrite: 0, text: 200 },
  outputDetails: { reasoning: 120, text: 180 },
};
const llamaIndexStream = [
  { raw: { choices: [{ delta: { role: 'assistant' } }] }, delta: '' },
  { raw: { choices: [{ delta: { content: 'hi' } }] }, delta: 'hi' },
  { raw: { choices: [], usage: openaiChat }, delta: '' },
];

const expected1000: Usage = {
  inputTokens: 1000,
  outputTokens: 300,
  totalTokens: 1300,
  cacheReadTokens: 800,
  reasoningTokens: 120,
};

describe('usage mappings', () => {
  it.each([
    [
      'OpenAI chat completions',
      fromOpenAIChatUsage(openaiChat),
      { ...expected1000, audioInputTokens: 0, audioOutputTokens: 0 },
    ],
    ['OpenAI responses', fromOpenAIResponsesUsage(openaiResponses), expected1000],
    [
      'Anthropic messages (cache read and write added to input)',
      fromAnthropicUsage(anthropic),
      { inputTokens: 1000, outputTokens: 300, totalTokens: 1300, cacheReadTokens: 800, cacheWriteTokens: 50 },
    ],
    ['Gemini (thoughts added to output)', fromGeminiUsage(gemini), { ...expected1000 }],
    [
      'Bedrock Converse (cache added to input)',
      fromBedrockConverseUsage(bedrock),
      { inputTokens: 1000, outputTokens: 300, totalTokens: 1300, cacheReadTokens: 800, cacheWriteTokens: 50 },
    ],
    [
      'LangChain usage_metadata',
      fromLangChainUsageMetadata(langchain),
      { ...expected1000, audioInputTokens: 0, audioOutputTokens: 0 },
    ],
    ['AI SDK provider V4 (middleware)', fromAiSdkProviderUsage(aiSdkV4Provider), expected1000],
    ['AI SDK result V7', fromAiSdkUsage(aiSdkV7Result), expected1000],
    ['AI SDK result V5 (flat)', fromAiSdkUsage(aiSdkV5Result), expected1000],
    ['AI SDK provider V2 (flat, via provider mapping)', fromAiSdkProviderUsage(aiSdkV5Result), expected1000],
    ['OpenAI Agents Usage (per-request details summed)', fromOpenAIAgentsUsage(openaiAgents), expected1000],
    ['Mastra flat usage', fromMastraUsage(mastraFlat), { ...expected1000, cacheWriteTokens: 0 }],
    ['Mastra span usage', fromMastraSpanUsage(mastraSpan), { ...expected1000, cacheWriteTokens: 0 }],
    [
      'LlamaIndex stream chunks (last usage chunk)',
      fromLlamaIndexRaw(llamaIndexStream),
      { ...expected1000, audioInputTokens: 0, audioOutputTokens: 0 },
    ],
    [
      'LlamaIndex non-streamed raw response',
      fromLlamaIndexRaw({ id: 'x', usage: openaiChat }),
      { ...expected1000, audioInputTokens: 0, audioOutputTokens: 0 },
    ],
  ])('%s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('never double-counts cache or reasoning tokens: input ≥ cache read + write, output ≥ reasoning, total = input + output', () => {
    const all = [
      fromOpenAIChatUsage(openaiChat),
      fromOpenAIResponsesUsage(openaiResponses),
      fromAnthropicUsage(anthropic),
      fromGeminiUsage(gemini),
      fromBedrockConverseUsage(bedrock),
      fromLangChainUsageMetadata(langchain),
      fromAiSdkProviderUsage(aiSdkV4Provider),
      fromAiSdkUsage(aiSdkV7Result),
      fromAiSdkUsage(aiSdkV5Result),
      fromOpenAIAgentsUsage(openaiAgents),
      fromMastraUsage(mastraFlat),
      fromMastraSpanUsage(mastraSpan),
      fromLlamaIndexRaw(llamaIndexStream),
    ];
    for (const usage of all) {
      expect(usage!.inputTokens).toBe(1000);
      expect(usage!.outputTokens).toBe(300);
      expect(usage!.totalTokens).toBe(1300);
      expect(usage!.inputTokens!).toBeGreaterThanOrEqual(
        (usage!.cacheReadTokens ?? 0) + (usage!.cacheWriteTokens ?? 0),
      );
      expect(usage!.outputTokens!).toBeGreaterThanOrEqual(usage!.reasoningTokens ?? 0);
      expect(usage!.reportedTotalMismatch).toBeUndefined();
    }
  });

  it('detects the provider shape by its keys', () => {
    expect(fromProviderUsage(openaiChat)?.inputTokens).toBe(1000);
    expect(fromProviderUsage(openaiResponses)?.cacheReadTokens).toBe(800);
    expect(fromProviderUsage(anthropic)?.inputTokens).toBe(1000);
    expect(fromProviderUsage(gemini)?.reasoningTokens).toBe(120);
    expect(fromProviderUsage(bedrock)?.cacheWriteTokens).toBe(50);
    expect(fromProviderUsage({ unrelated: 1 })).toBeUndefined();
  });

  it('keeps the raw provider object aside, out of serialization', () => {
    const usage = fromOpenAIChatUsage(openaiChat)!;
    expect(usage.raw).toBe(openaiChat);
    expect(JSON.parse(JSON.stringify(usage))).not.toHaveProperty('raw');
    expect(fromMastraUsage(mastraFlat)!.raw).toBe(mastraFlat);
  });

  it('returns undefined (not reported) when nothing is reported, and keeps 0 when 0 is reported', () => {
    for (const map of [
      fromOpenAIChatUsage,
      fromAnthropicUsage,
      fromAiSdkUsage,
      fromLangChainUsageMetadata,
      fromMastraUsage,
      fromOpenAIAgentsUsage,
    ]) {
      expect(map(undefined)).toBeUndefined();
      expect(map(null)).toBeUndefined();
      expect(map({})).toBeUndefined();
      expect(map('12')).toBeUndefined();
    }
    expect(fromLlamaIndexRaw([{ raw: { choices: [] }, delta: 'x' }])).toBeUndefined();
    expect(
      fromAiSdkUsage({ inputTokens: undefined, outputTokens: undefined, totalTokens: undefined }),
    ).toBeUndefined();
    expect(fromOpenAIChatUsage({ prompt_tokens: 0, completion_tokens: 0 })).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      totalTokens: 0,
    });
  });

  it('flags a reported total that differs from input + output and keeps it', () => {
    expect(fromOpenAIChatUsage({ prompt_tokens: 10, completion_tokens: 5, total_tokens: 17 })).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      totalTokens: 17,
      reportedTotalMismatch: true,
    });
  });

  it('drops malformed numbers by the token-count rule and notes them', () => {
    const usage = fromOpenAIChatUsage({
      prompt_tokens: Number.NaN,
      completion_tokens: '42',
      total_tokens: -5,
      prompt_tokens_details: { cached_tokens: 12.6 },
      completion_tokens_details: { reasoning_tokens: 2 ** 60 },
    });
    expect(usage).toEqual({
      outputTokens: 42,
      totalTokens: 42,
      cacheReadTokens: 13,
      invalid: [
        'prompt_tokens: NaN',
        'total_tokens: -5',
        'completion_tokens_details.reasoning_tokens: 1152921504606847000',
      ],
    });
  });

  it('survives hostile objects: throwing getters and cycles', () => {
    const hostile: Record<string, unknown> = {};
    Object.defineProperty(hostile, 'prompt_tokens', {
      get() {
        throw new Error('boom');
      },
      enumerable: true,
    });
    hostile.completion_tokens = 3;
    hostile.self = hostile;
    expect(fromOpenAIChatUsage(hostile)).toEqual({ outputTokens: 3, totalTokens: 3 });
    expect(fromProviderUsage(hostile)).toEqual({ outputTokens: 3, totalTokens: 3 });
  });
});
