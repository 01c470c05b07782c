import { type Answer, type Frames, randomId, sseEvent } from './answer.js';

/** Maps script usage to the Chat Completions `usage` object. */
export function openAIChatUsage(answer: Answer) {
  const u = answer.usage;
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cached, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: u.reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function toolCallIds(answer: Answer): string[] {
  return answer.toolCalls.map((call) => call.id ?? randomId('call_'));
}

export function chatCompletion(answer: Answer): unknown {
  const ids = toolCallIds(answer);
  const hasTools = answer.toolCalls.length > 0;
  return {
    id: randomId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: answer.model,
    system_fingerprint: 'fp_testkit',
    service_tier: 'default',
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text === '' && hasTools ? null : answer.text,
          refusal: null,
          annotations: [],
          ...(hasTools
            ? {
                tool_calls: answer.toolCalls.map((call, i) => ({
                  id: ids[i],
                  type: 'function',
                  function: { name: call.name, arguments: call.arguments },
                })),
              }
            : {}),
        },
        logprobs: null,
        finish_reason: hasTools ? 'tool_calls' : 'stop',
      },
    ],
    usage: openAIChatUsage(answer),
  };
}

/** The `chat.completion.chunk` stream: role chunk, content deltas, tool-call deltas, finish, usage, [DONE]. */
export function chatCompletionFrames(answer: Answer, includeUsage: boolean): Frames {
  const ids = toolCallIds(answer);
  const id = randomId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: unknown, finishReason: string | null = null) =>
    sseEvent({
      id,
      object: 'chat.completion.chunk',
      created,
      model: answer.model,
      system_fingerprint: 'fp_testkit',
      service_tier: 'default',
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...(includeUsage ? { usage: null } : {}),
    });
  const frames: Frames = [];
  for (const piece of answer.textPieces) frames.push([chunk({ content: piece })]);
  answer.toolCalls.forEach((call, index) => {
    frames.push([
      chunk({
        tool_calls: [
          { index, id: ids[index], type: 'function', function: { name: call.name, arguments: '' } },
        ],
      }),
    ]);
    for (const piece of call.argumentPieces)
      frames.push([chunk({ tool_calls: [{ index, function: { arguments: piece } }] })]);
  });
  const role = chunk({ role: 'assistant', content: '', refusal: null });
  if (frames.length === 0) frames.push([]);
  frames[0]!.unshift(role);
  const last = frames[frames.length - 1]!;
  last.push(chunk({}, answer.toolCalls.length > 0 ? 'tool_calls' : 'stop'));
  if (includeUsage) {
    last.push(
      sseEvent({
        id,
        object: 'chat.completion.chunk',
        created,
        model: answer.model,
        system_fingerprint: 'fp_testkit',
        service_tier: 'default',
        choices: [],
        usage: openAIChatUsage(answer),
      }),
    );
  }
  last.push(sseEvent('[DONE]'));
  return frames;
}
