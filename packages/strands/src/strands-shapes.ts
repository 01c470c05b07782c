import { readField } from '@metrics/core';

// What the adapter reads from Strands objects it does not own, by shape (never `instanceof`: the
// user's copy of the SDK may not be the one this package resolves).

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
  return readField(tool, 'mcpClient') !== undefined;
}

/**
 * The SDK's own structured-output tool (`structuredOutputSchema`, and a swarm's handoffs): the
 * model's way of giving its answer, not a tool the user wrote, so not a tool call.
 */
export function isStructuredOutputTool(tool: unknown, name: string): boolean {
  return (
    name === 'strands_structured_output' ||
    readField(readField(tool, 'constructor'), 'name') === 'StructuredOutputTool'
  );
}

/** A streamed event that carries the first generated content (text, reasoning or tool input). */
export function isContentDelta(event: unknown): boolean {
  // read directly (the SDK's own event objects, on every streamed event until the first token)
  const update = event as { type?: unknown; event?: { type?: unknown } } | undefined;
  return update?.type === 'modelStreamUpdateEvent' && update.event?.type === 'modelContentBlockDeltaEvent';
}

/** The model id configured on a Strands model, when it has one. */
export function modelIdOf(model: unknown): string | undefined {
  const id = readField(model, 'modelId');
  return typeof id === 'string' && id.length > 0 ? id : undefined;
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
