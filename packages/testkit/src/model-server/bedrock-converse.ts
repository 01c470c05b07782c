import { type Answer, argumentsObject, randomId } from './answer.js';
import { eventStreamMessage } from './aws-event-stream.js';

/**
 * Maps script usage to Bedrock Converse `usage`: `inputTokens` excludes cache reads and writes,
 * which are reported beside it (`totalTokens` includes them). Reasoning is part of `outputTokens`.
 */
export function bedrockUsage(answer: Answer) {
  const u = answer.usage;
  return {
    inputTokens: u.input - u.cached - u.cacheWrite,
    outputTokens: u.output,
    totalTokens: u.input + u.output,
    ...(u.cached > 0 ? { cacheReadInputTokens: u.cached } : {}),
    ...(u.cacheWrite > 0 ? { cacheWriteInputTokens: u.cacheWrite } : {}),
  };
}

function toolUseIds(answer: Answer): string[] {
  return answer.toolCalls.map((call) => call.id ?? randomId('tooluse_'));
}

const stopReason = (answer: Answer) => (answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn');

/** A `Converse` answer. */
export function converseResponse(answer: Answer): unknown {
  const ids = toolUseIds(answer);
  const content: unknown[] = answer.text !== '' ? [{ text: answer.text }] : [];
  answer.toolCalls.forEach((call, i) => {
    content.push({ toolUse: { toolUseId: ids[i], name: call.name, input: argumentsObject(call) } });
  });
  return {
    output: { message: { role: 'assistant', content } },
    stopReason: stopReason(answer),
    usage: bedrockUsage(answer),
    metrics: { latencyMs: 1 },
  };
}

/**
 * A `ConverseStream` answer as AWS event-stream messages, grouped in frames (the first waits
 * `firstChunkDelayMs`): `messageStart`, content blocks, `messageStop`, then `metadata` with usage.
 */
export function converseStreamFrames(answer: Answer): Uint8Array[][] {
  const ids = toolUseIds(answer);
  const event = (type: string, payload: unknown) => eventStreamMessage(type, payload);
  const frames: Uint8Array[][] = [];
  let index = 0;
  if (answer.text !== '') {
    const block = index++;
    for (const text of answer.textPieces)
      frames.push([event('contentBlockDelta', { contentBlockIndex: block, delta: { text } })]);
    frames.at(-1)!.push(event('contentBlockStop', { contentBlockIndex: block }));
  }
  answer.toolCalls.forEach((call, i) => {
    const block = index++;
    frames.push([
      event('contentBlockStart', {
        contentBlockIndex: block,
        start: { toolUse: { toolUseId: ids[i], name: call.name } },
      }),
    ]);
    for (const input of call.argumentPieces)
      frames.push([event('contentBlockDelta', { contentBlockIndex: block, delta: { toolUse: { input } } })]);
    frames.at(-1)!.push(event('contentBlockStop', { contentBlockIndex: block }));
  });
  if (frames.length === 0) frames.push([]);
  frames[0]!.unshift(event('messageStart', { role: 'assistant' }));
  frames
    .at(-1)!
    .push(
      event('messageStop', { stopReason: stopReason(answer) }),
      event('metadata', { usage: bedrockUsage(answer), metrics: { latencyMs: 1 } }),
    );
  return frames;
}

/** The model id a Bedrock path names: `/model/{modelId}/converse(-stream)`. */
export function bedrockModelOf(path: string): string | undefined {
  const match = /\/model\/([^/]+)\/converse/.exec(path);
  return match ? decodeURIComponent(match[1]!) : undefined;
}
