import { fromAnthropicUsage } from './from-anthropic.js';
import { fromBedrockConverseUsage } from './from-bedrock.js';
import { fromGeminiUsage } from './from-gemini.js';
import { fromOpenAIChatUsage, fromOpenAIResponsesUsage } from './from-openai.js';
import { field, isObject } from './read-fields.js';
import type { Usage } from './usage.js';

/**
 * Maps a provider's raw usage object whose shape is not known in advance, by its keys:
 * `prompt_tokens` → OpenAI chat; `promptTokenCount` → Gemini; `input_tokens` with
 * `total_tokens` or `input_tokens_details` → OpenAI responses; `input_tokens` otherwise →
 * Anthropic; `inputTokens` → Bedrock Converse.
 */
export function fromProviderUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  if (field(raw, 'prompt_tokens') !== undefined || field(raw, 'completion_tokens') !== undefined)
    return fromOpenAIChatUsage(raw);
  if (field(raw, 'promptTokenCount') !== undefined || field(raw, 'candidatesTokenCount') !== undefined)
    return fromGeminiUsage(raw);
  if (field(raw, 'input_tokens') !== undefined || field(raw, 'output_tokens') !== undefined) {
    return field(raw, 'total_tokens') !== undefined || field(raw, 'input_tokens_details') !== undefined
      ? fromOpenAIResponsesUsage(raw)
      : fromAnthropicUsage(raw);
  }
  if (field(raw, 'inputTokens') !== undefined || field(raw, 'outputTokens') !== undefined)
    return fromBedrockConverseUsage(raw);
  return undefined;
}

/**
 * LlamaIndex `ChatResponse.raw`: the provider's response (`raw.usage`, or `raw.usageMetadata` for
 * Gemini), or, for a stream, the array of chunks, where the last chunk that carries usage wins
 * (OpenAI sends it only with `stream_options.include_usage`).
 */
export function fromLlamaIndexRaw(raw: unknown): Usage | undefined {
  if (Array.isArray(raw)) {
    for (let i = raw.length - 1; i >= 0; i--) {
      const chunk = raw[i];
      const usage = fromLlamaIndexRaw(field(chunk, 'raw') ?? chunk);
      if (usage) return usage;
    }
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  return fromProviderUsage(field(raw, 'usage') ?? field(raw, 'usageMetadata'));
}
