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

/** The usage and model id of a finished response (`ModelResponse`, or `response_done`'s `response`). */
export function readResponse(response: unknown): { usage: Usage | undefined; model: string | undefined } {
  if (typeof response !== 'object' || response === null) return { usage: undefined, model: undefined };
  const { usage, providerData } = response as { usage?: unknown; providerData?: unknown };
  const model =
    typeof providerData === 'object' && providerData !== null
      ? (providerData as { model?: unknown }).model
      : undefined;
  return {
    usage: fromOpenAIAgentsUsage(usage),
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
