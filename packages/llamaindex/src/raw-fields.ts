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
  return isObject(chunk) && carriesToken(chunk.delta, toolCallOf(chunk));
}

/** A stream chunk's `options.toolCall`, if any. */
export function toolCallOf(chunk: Record<string, unknown>): unknown {
  const options = chunk.options;
  return isObject(options) ? options.toolCall : undefined;
}

/** The first-token rule on a chunk's fields, read once by the caller (a hot path: every chunk). */
export function carriesToken(delta: unknown, toolCall: unknown): boolean {
  if (typeof delta === 'string' && delta.length > 0) return true;
  return Array.isArray(toolCall) ? toolCall.length > 0 : toolCall !== undefined && toolCall !== null;
}

/** Whether a stream chunk's provider payload (its `raw`) carries usage (OpenAI: the last chunk with `include_usage`). */
export function rawHasUsage(raw: Record<string, unknown>): boolean {
  return raw.usage !== undefined || raw.usageMetadata !== undefined;
}

export function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return (
    isObject(value) &&
    typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
  );
}
