import {
  fromOpenAIAgentsUsage,
  fromOpenAIResponsesUsage,
  fromProviderUsage,
  type Usage,
} from '@metrics/core';

/** What the processor reads of a span (the SDK's `Span`, from any copy of the SDK). */
export interface SpanLike {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentId: string | null;
  readonly spanData: { type: string; [key: string]: unknown };
  readonly error: { message: string; data?: Record<string, unknown> } | null;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}

/** A model request's span: `generation` (Chat Completions) or `response` (Responses API). */
export function isModelSpan(span: SpanLike): boolean {
  return span.spanData.type === 'generation' || span.spanData.type === 'response';
}

/**
 * The model id and usage a model request's span carries. The built-in models put the provider's
 * answer on it only when the run traces sensitive data (`traceIncludeSensitiveData`, the
 * default): a generation span's `output[0].usage` (or `usage`, set on failure paths), a response
 * span's `_response.usage`. Without it, the usage comes from the turn span (see `turnUsage`).
 */
export function readModelSpan(span: SpanLike): { model: string | undefined; usage: Usage | undefined } {
  const data = span.spanData;
  if (data.type === 'response') {
    const response = record(data._response);
    return { model: text(response?.model), usage: fromOpenAIResponsesUsage(response?.usage) };
  }
  const output = Array.isArray(data.output) ? record(data.output[0]) : undefined;
  return {
    model: text(output?.model) ?? text(data.model),
    usage: fromProviderUsage(output?.usage) ?? fromProviderUsage(data.usage),
  };
}

/**
 * A turn span's usage: what the runner summed for the turn's model responses, set whether or not
 * sensitive data is traced (`input_tokens`, `output_tokens`, `cached_input_tokens`,
 * `cache_write_input_tokens`; no reasoning tokens).
 */
export function turnUsage(span: SpanLike): Usage | undefined {
  const usage = record(span.spanData.usage);
  if (!usage) return undefined;
  return fromOpenAIAgentsUsage({ ...usage, input_tokens_details: usage });
}

export function spanName(span: SpanLike): string | undefined {
  return text(span.spanData.name);
}

/** A function span of an MCP tool: the SDK leaves `mcp_data` on it while the tool runs. */
export function isMcpSpan(span: SpanLike): boolean {
  return span.spanData.mcp_data !== undefined && span.spanData.mcp_data !== null;
}
