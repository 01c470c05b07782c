import { type Answer, type Frames, randomId, sseEvent } from './answer.js';

/** Maps script usage to the Responses API `usage` object. */
export function openAIResponsesUsage(answer: Answer) {
  const u = answer.usage;
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cached },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

interface Item {
  id: string;
  callId?: string;
}

function itemIds(answer: Answer): { message?: Item; calls: Item[] } {
  return {
    ...(answer.text !== '' ? { message: { id: randomId('msg_') } } : {}),
    calls: answer.toolCalls.map((call) => ({ id: randomId('fc_'), callId: call.id ?? randomId('call_') })),
  };
}

function messageItem(id: string, text: string, status: string) {
  return {
    id,
    type: 'message',
    status,
    role: 'assistant',
    content: status === 'in_progress' ? [] : [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

function callItem(item: Item, name: string, args: string, status: string) {
  return { id: item.id, type: 'function_call', status, arguments: args, call_id: item.callId, name };
}

function responseObject(
  id: string,
  createdAt: number,
  answer: Answer,
  request: Record<string, unknown>,
  status: 'in_progress' | 'completed',
  output: unknown[],
) {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: answer.model,
    output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: null, summary: null },
    service_tier: 'default',
    store: request.store ?? true,
    temperature: request.temperature ?? 1,
    text: { format: { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? 1,
    truncation: 'disabled',
    usage: status === 'completed' ? openAIResponsesUsage(answer) : null,
    user: null,
    metadata: request.metadata ?? {},
  };
}

function completedOutput(answer: Answer, ids: ReturnType<typeof itemIds>): unknown[] {
  const output: unknown[] = [];
  if (ids.message) output.push(messageItem(ids.message.id, answer.text, 'completed'));
  answer.toolCalls.forEach((call, i) => {
    output.push(callItem(ids.calls[i]!, call.name, call.arguments, 'completed'));
  });
  return output;
}

export function response(answer: Answer, request: Record<string, unknown>): unknown {
  const ids = itemIds(answer);
  return responseObject(
    randomId('resp_'),
    Math.floor(Date.now() / 1000),
    answer,
    request,
    'completed',
    completedOutput(answer, ids),
  );
}

/** The Responses API event stream, with `sequence_number`s, ending in `response.completed` with usage. */
export function responseFrames(answer: Answer, request: Record<string, unknown>): Frames {
  const ids = itemIds(answer);
  const id = randomId('resp_');
  const createdAt = Math.floor(Date.now() / 1000);
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    sseEvent({ type, sequence_number: sequence++, ...fields }, type);
  const frames: Frames = [];
  const head = [
    event('response.created', {
      response: responseObject(id, createdAt, answer, request, 'in_progress', []),
    }),
    event('response.in_progress', {
      response: responseObject(id, createdAt, answer, request, 'in_progress', []),
    }),
  ];
  let outputIndex = 0;
  if (ids.message) {
    const itemId = ids.message.id;
    const index = outputIndex++;
    const opening = [
      event('response.output_item.added', {
        output_index: index,
        item: messageItem(itemId, '', 'in_progress'),
      }),
      event('response.content_part.added', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        part: { type: 'output_text', text: '', annotations: [], logprobs: [] },
      }),
    ];
    answer.textPieces.forEach((piece, i) => {
      const delta = event('response.output_text.delta', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        delta: piece,
        logprobs: [],
      });
      frames.push(i === 0 ? [...opening, delta] : [delta]);
    });
    frames[frames.length - 1]!.push(
      event('response.output_text.done', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        text: answer.text,
        logprobs: [],
      }),
      event('response.content_part.done', {
        item_id: itemId,
        output_index: index,
        content_index: 0,
        part: { type: 'output_text', text: answer.text, annotations: [], logprobs: [] },
      }),
      event('response.output_item.done', {
        output_index: index,
        item: messageItem(itemId, answer.text, 'completed'),
      }),
    );
  }
  answer.toolCalls.forEach((call, i) => {
    const item = ids.calls[i]!;
    const index = outputIndex++;
    frames.push([
      event('response.output_item.added', {
        output_index: index,
        item: callItem(item, call.name, '', 'in_progress'),
      }),
    ]);
    for (const piece of call.argumentPieces) {
      frames.push([
        event('response.function_call_arguments.delta', {
          item_id: item.id,
          output_index: index,
          delta: piece,
        }),
      ]);
    }
    frames[frames.length - 1]!.push(
      event('response.function_call_arguments.done', {
        item_id: item.id,
        output_index: index,
        name: call.name,
        arguments: call.arguments,
      }),
      event('response.output_item.done', {
        output_index: index,
        item: callItem(item, call.name, call.arguments, 'completed'),
      }),
    );
  });
  if (frames.length === 0) frames.push([]);
  frames[0]!.unshift(...head);
  frames[frames.length - 1]!.push(
    event('response.completed', {
      response: responseObject(id, createdAt, answer, request, 'completed', completedOutput(answer, ids)),
    }),
  );
  return frames;
}
