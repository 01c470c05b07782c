import { type Answer, type Frames, argumentsObject, randomId, sseEvent } from './answer.js';

/**
 * Maps script usage to the Messages API `usage` object: `input_tokens` excludes cache reads and
 * cache writes, which are reported beside it. Reasoning is part of `output_tokens`.
 */
export function anthropicUsage(answer: Answer) {
  const u = answer.usage;
  return {
    input_tokens: u.input - u.cached - u.cacheWrite,
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cached,
    output_tokens: u.output,
    service_tier: 'standard',
  };
}

function toolUseIds(answer: Answer): string[] {
  return answer.toolCalls.map((call) => call.id ?? randomId('toolu_'));
}

export function message(answer: Answer): unknown {
  const ids = toolUseIds(answer);
  const content: unknown[] = [];
  if (answer.text !== '') content.push({ type: 'text', text: answer.text });
  answer.toolCalls.forEach((call, i) => {
    content.push({ type: 'tool_use', id: ids[i], name: call.name, input: argumentsObject(call) });
  });
  return {
    id: randomId('msg_'),
    type: 'message',
    role: 'assistant',
    model: answer.model,
    content,
    stop_reason: answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: anthropicUsage(answer),
  };
}

/**
 * The Messages event stream: `message_start` (input usage, `output_tokens: 1` as the real API sends),
 * content blocks, `message_delta` with the cumulative output usage, `message_stop`.
 */
export function messageFrames(answer: Answer): Frames {
  const ids = toolUseIds(answer);
  const usage = anthropicUsage(answer);
  const event = (type: string, fields: Record<string, unknown>) => sseEvent({ type, ...fields }, type);
  const frames: Frames = [];
  let index = 0;
  if (answer.text !== '') {
    const blockIndex = index++;
    answer.textPieces.forEach((piece, i) => {
      const delta = event('content_block_delta', {
        index: blockIndex,
        delta: { type: 'text_delta', text: piece },
      });
      frames.push(
        i === 0
          ? [
              event('content_block_start', { index: blockIndex, content_block: { type: 'text', text: '' } }),
              delta,
            ]
          : [delta],
      );
    });
    frames[frames.length - 1]!.push(event('content_block_stop', { index: blockIndex }));
  }
  answer.toolCalls.forEach((call, i) => {
    const blockIndex = index++;
    frames.push([
      event('content_block_start', {
        index: blockIndex,
        content_block: { type: 'tool_use', id: ids[i], name: call.name, input: {} },
      }),
    ]);
    for (const piece of call.argumentPieces) {
      frames.push([
        event('content_block_delta', {
          index: blockIndex,
          delta: { type: 'input_json_delta', partial_json: piece },
        }),
      ]);
    }
    frames[frames.length - 1]!.push(event('content_block_stop', { index: blockIndex }));
  });
  if (frames.length === 0) frames.push([]);
  frames[0]!.unshift(
    event('message_start', {
      message: {
        id: randomId('msg_'),
        type: 'message',
        role: 'assistant',
        model: answer.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    }),
    event('ping', {}),
  );
  frames[frames.length - 1]!.push(
    event('message_delta', {
      delta: { stop_reason: answer.toolCalls.length > 0 ? 'tool_use' : 'end_turn', stop_sequence: null },
      usage: { output_tokens: usage.output_tokens },
    }),
    event('message_stop', {}),
  );
  return frames;
}
