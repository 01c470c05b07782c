import { fromAnthropicUsage } from './from-anthropic.js';
import { fromBedrockConverseUsage } from './from-bedrock.js';
import { fromGeminiUsage } from './from-gemini.js';
import { fromOpenAIChatUsage, fromOpenAIResponsesUsage } from './from-openai.js';
import { type Fields, isObject, readFields } from './read-fields.js';
import type { Usage } from './usage.js';

/**
 * Maps a provider's raw usage object whose shape is not known in advance, by its keys:
 * `prompt_tokens` → OpenAI chat; `promptTokenCount` → Gemini; `input_tokens` with
 * `total_tokens` or `input_tokens_details` → OpenAI responses; `input_tokens` otherwise →
 * Anthropic; `inputTokens` → Bedrock Converse.
 */
export function fromProviderUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const keys = readFields(raw, readShapeKeys);
  if (keys.prompt !== undefined || keys.completion !== undefined) return fromOpenAIChatUsage(raw);
  if (keys.promptCount !== undefined || keys.candidatesCount !== undefined) return fromGeminiUsage(raw);
  if (keys.input !== undefined || keys.output !== undefined) {
    return keys.total !== undefined || keys.inputDetails !== undefined
      ? fromOpenAIResponsesUsage(raw)
      : fromAnthropicUsage(raw);
  }
  if (keys.inputTokens !== undefined || keys.outputTokens !== undefined) return fromBedrockConverseUsage(raw);
  return undefined;
}

const readShapeKeys = (s: Fields) => ({
  prompt: s.prompt_tokens,
  completion: s.completion_tokens,
  promptCount: s.promptTokenCount,
  candidatesCount: s.candidatesTokenCount,
  input: s.input_tokens,
  output: s.output_tokens,
  total: s.total_tokens,
  inputDetails: s.input_tokens_details,
  inputTokens: s.inputTokens,
  outputTokens: s.outputTokens,
});

/**
 * LlamaIndex `ChatResponse.raw`: the provider's response (`raw.usage`, or `raw.usageMetadata` for
 * Gemini), or, for a stream, the array of chunks, where the last chunk that carries usage wins
 * (OpenAI sends it only with `stream_options.include_usage`).
 */
export function fromLlamaIndexRaw(raw: unknown): Usage | undefined {
  return fromChunks(raw, 0, { left: MAX_CHUNKS_READ });
}

/** Chunks nest at most a few levels (a chunk's `raw`); deeper or cyclic input is not a stream. */
const MAX_CHUNK_DEPTH = 4;
/** The most values looked at in one call, so a cyclic or huge array cannot stall the caller. */
const MAX_CHUNKS_READ = 10_000;

function fromChunks(raw: unknown, depth: number, budget: { left: number }): Usage | undefined {
  if (depth > MAX_CHUNK_DEPTH || budget.left-- <= 0) return undefined;
  let chunks: unknown[] | undefined;
  try {
    chunks = Array.isArray(raw) ? raw : undefined;
  } catch {
    return undefined; // a revoked proxy
  }
  if (chunks) {
    for (let i = chunks.length - 1; i >= 0 && budget.left > 0; i--) {
      const chunk = itemAt(chunks, i);
      const usage = fromChunks(
        isObject(chunk) ? (readFields(chunk, readChunk).raw ?? chunk) : chunk,
        depth + 1,
        budget,
      );
      if (usage) return usage;
    }
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  return fromProviderUsage(readFields(raw, readResponse).usage);
}

const readChunk = (s: Fields) => ({ raw: s.raw });
const readResponse = (s: Fields) => ({ usage: s.usage ?? s.usageMetadata });

function itemAt(items: readonly unknown[], index: number): unknown {
  try {
    return items[index];
  } catch {
    return undefined; // a proxy's trap
  }
}
