import { fromOpenAIAgentsUsage, type Usage } from '@metrics/core';

function nonEmpty(value: unknown): boolean {
  return (typeof value === 'string' && value.length > 0) || (Array.isArray(value) && value.length > 0);
}

/**
 * True for the first sign of generated output in a model stream: a text delta, or a raw provider
 * event carrying a content, refusal, reasoning or tool-call delta (a tool-only answer has no text
 * delta). `response_started` is not output: it arrives before the model produced anything.
 */
export function isOutputEvent(event: unknown): boolean {
  if (typeof event !== 'object' || event === null) return false;
  const { type } = event as { type?: unknown };
  if (type === 'output_text_delta') return true;
  if (type !== 'model') return false;
  const raw = (event as { event?: unknown }).event;
  if (typeof raw !== 'object' || raw === null) return false;
  const choices = (raw as { choices?: unknown }).choices;
  if (Array.isArray(choices)) {
    // Chat Completions chunk
    return choices.some((choice) => {
      const delta = (choice as { delta?: Record<string, unknown> } | null)?.delta;
      return (
        typeof delta === 'object' &&
        delta !== null &&
        (nonEmpty(delta.content) ||
          nonEmpty(delta.tool_calls) ||
          nonEmpty(delta.refusal) ||
          nonEmpty(delta.reasoning) ||
          nonEmpty(delta.reasoning_content))
      );
    });
  }
  // Responses API event: response.output_text.delta, response.function_call_arguments.delta, ...
  const rawType = (raw as { type?: unknown }).type;
  return typeof rawType === 'string' && rawType.startsWith('response.') && rawType.endsWith('.delta');
}

function allZero(usage: Usage): boolean {
  return !usage.inputTokens && !usage.outputTokens && !usage.totalTokens;
}

/**
 * The usage and model id of a finished response (`ModelResponse`, or `response_done`'s `response`).
 * The SDK turns a provider answer without usage into an all-zero `Usage`; when the raw provider
 * response (`providerData`) shows no usage, that is "not reported" (undefined), not zero.
 */
export function readResponse(
  response: unknown,
  rawUsageSeen?: boolean,
): { usage: Usage | undefined; model: string | undefined } {
  if (typeof response !== 'object' || response === null) return { usage: undefined, model: undefined };
  const { usage, providerData } = response as { usage?: unknown; providerData?: unknown };
  const raw =
    typeof providerData === 'object' && providerData !== null
      ? (providerData as Record<string, unknown>)
      : undefined;
  const model = raw?.model;
  let normalized = fromOpenAIAgentsUsage(usage);
  const providerShowsNone = rawUsageSeen === false || (raw !== undefined && raw.usage == null);
  if (normalized && providerShowsNone && allZero(normalized)) normalized = undefined;
  return {
    usage: normalized,
    model: typeof model === 'string' && model.length > 0 ? model : undefined,
  };
}

/** The model id a raw provider stream event names (a Chat Completions chunk, or a Responses event's response). */
export function rawEventModel(event: unknown): string | undefined {
  if ((event as { type?: unknown } | null)?.type !== 'model') return undefined;
  const raw = (event as { event?: { model?: unknown; response?: { model?: unknown } } }).event;
  const model = raw?.model ?? raw?.response?.model;
  return typeof model === 'string' && model.length > 0 ? model : undefined;
}

/**
 * Whether a raw provider stream event is a Chat Completions chunk, and whether it (or a Responses
 * event's response) carries usage: a chat stream whose chunks never did reported no usage.
 */
export function rawUsageOf(event: unknown): { chatChunk: boolean; usage: boolean } | undefined {
  if ((event as { type?: unknown } | null)?.type !== 'model') return undefined;
  const raw = (event as { event?: { choices?: unknown; usage?: unknown; response?: { usage?: unknown } } })
    .event;
  if (typeof raw !== 'object' || raw === null) return undefined;
  return { chatChunk: Array.isArray(raw.choices), usage: raw.usage != null || raw.response?.usage != null };
}
