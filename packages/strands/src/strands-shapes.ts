import { readField } from '@metrics/core';

// What the adapter reads from Strands objects it does not own, by shape (never `instanceof`: the
// user's copy of the SDK may not be the one this package resolves).
//
// The reads made on every run, tool call and model call are named loads in try blocks, each what
// `readField` gives (`undefined` from a non-object or a throwing getter): `readField`'s keyed load
// of any key on any object is megamorphic, ~0.5 k instructions per read with its call, against
// ~0.1 k for a named load here.
//
// The `typeof` tests are written out where a field is read, not called: a call costs more than
// the tests.

type Fields = Record<string, unknown>;

/** Providers whose `inputTokens` is the uncached remainder, cache reads and writes beside it. */
const CACHE_BESIDE_INPUT = new Set(['AnthropicModel', 'BedrockModel']);

/** Whether the model's provider counts the prompt cache inside `inputTokens` (by its class, subclasses included). */
export function cacheInInput(model: unknown): boolean {
  let proto: unknown = typeof model === 'object' && model !== null ? Object.getPrototypeOf(model) : null;
  for (let depth = 0; proto !== null && depth < 8; depth++) {
    const name = readField(readField(proto, 'constructor'), 'name');
    if (typeof name === 'string' && CACHE_BESIDE_INPUT.has(name)) return false;
    proto = Object.getPrototypeOf(proto);
  }
  return true;
}

/** A tool that came from the SDK's MCP client (`McpTool` keeps its client). */
export function isMcpTool(tool: unknown): boolean {
  if (tool === null || (typeof tool !== 'object' && typeof tool !== 'function')) return false;
  try {
    return (tool as Fields).mcpClient !== undefined;
  } catch {
    return false;
  }
}

/**
 * The SDK's own structured-output tool (`structuredOutputSchema`, and a swarm's handoffs): the
 * model's way of giving its answer, not a tool the user wrote, so not a tool call.
 */
export function isStructuredOutputTool(tool: unknown, name: string): boolean {
  if (name === 'strands_structured_output') return true;
  if (tool === null || (typeof tool !== 'object' && typeof tool !== 'function')) return false;
  try {
    const toolClass: unknown = (tool as Fields).constructor;
    return (
      toolClass !== null &&
      (typeof toolClass === 'object' || typeof toolClass === 'function') &&
      (toolClass as Fields).name === 'StructuredOutputTool'
    );
  } catch {
    return false;
  }
}

/** A streamed event that carries the first generated content (text, reasoning or tool input). */
export function isContentDelta(event: unknown): boolean {
  // read directly (the SDK's own event objects, on every streamed event until the first token)
  const update = event as { type?: unknown; event?: { type?: unknown } } | undefined;
  return update?.type === 'modelStreamUpdateEvent' && update.event?.type === 'modelContentBlockDeltaEvent';
}

/** The model id configured on a Strands model, when it has one. */
export function modelIdOf(model: unknown): string | undefined {
  if (model === null || (typeof model !== 'object' && typeof model !== 'function')) return undefined;
  let id: unknown;
  try {
    id = (model as Fields).modelId;
  } catch {
    return undefined;
  }
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** An agent's (or an orchestrator's) current cancel signal. */
export function cancelSignalOf(agent: unknown): unknown {
  if (agent === null || (typeof agent !== 'object' && typeof agent !== 'function')) return undefined;
  try {
    return (agent as Fields).cancelSignal;
  } catch {
    return undefined;
  }
}

/** Whether a cancel signal fired. */
export function isAborted(signal: unknown): boolean {
  if (signal === null || (typeof signal !== 'object' && typeof signal !== 'function')) return false;
  try {
    return (signal as Fields).aborted === true;
  } catch {
    return false;
  }
}

/** The aggregated result of a model stage's step (`{ result }`). */
export function modelResultOf(value: unknown): unknown {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return undefined;
  try {
    return (value as Fields).result;
  } catch {
    return undefined;
  }
}

/** A model result's usage (`metadata.usage`). */
export function usageOf(result: unknown): unknown {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) return undefined;
  let metadata: unknown;
  try {
    metadata = (result as Fields).metadata;
  } catch {
    return undefined;
  }
  if (metadata === null || (typeof metadata !== 'object' && typeof metadata !== 'function')) return undefined;
  try {
    return (metadata as Fields).usage;
  } catch {
    return undefined;
  }
}

/** Whether a model result was redacted (a guardrail replaced the answer). */
export function isRedacted(result: unknown): boolean {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function')) return false;
  try {
    return (result as Fields).redaction !== undefined;
  } catch {
    return false;
  }
}

/** The text of a tool result's content blocks (what the model was told), for an error without an exception. */
export function toolResultText(result: unknown): string {
  const content = readField(result, 'content');
  if (!Array.isArray(content)) return '';
  const texts: string[] = [];
  for (const block of content) {
    const text = readField(block, 'text');
    if (typeof text === 'string') texts.push(text);
  }
  return texts.join('\n');
}
