/** Small readers for LlamaIndex's loosely typed payloads; none of them throws. */

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The model id a provider response (or, for a stream, its chunks) reports. */
export function rawModel(raw: unknown): string | undefined {
  if (Array.isArray(raw)) {
    for (const chunk of raw) {
      const model = rawModel(isObject(chunk) ? chunk.raw : undefined);
      if (model) return model;
    }
    return undefined;
  }
  if (!isObject(raw)) return undefined;
  const model = raw.model ?? raw.modelVersion;
  return typeof model === 'string' && model ? model : undefined;
}

/** Whether a stream chunk carries the first token: a non-empty delta or a tool call. */
export function isFirstTokenChunk(chunk: unknown): boolean {
  if (!isObject(chunk)) return false;
  if (typeof chunk.delta === 'string' && chunk.delta.length > 0) return true;
  const options = chunk.options;
  if (!isObject(options)) return false;
  const toolCall = options.toolCall;
  return Array.isArray(toolCall) ? toolCall.length > 0 : toolCall !== undefined && toolCall !== null;
}

/** Whether a stream chunk's provider payload carries usage (OpenAI: the last chunk with `include_usage`). */
export function chunkHasUsage(chunk: unknown): boolean {
  if (!isObject(chunk) || !isObject(chunk.raw)) return false;
  return chunk.raw.usage !== undefined || chunk.raw.usageMetadata !== undefined;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    isObject(value) &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}
