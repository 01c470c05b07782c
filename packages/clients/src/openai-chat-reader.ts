import { fromOpenAIChatUsage } from '@metrics/core';
import type { CallOutcome } from './metered-call.js';
import type { ReadResult, ResponseReader, StreamReader } from './stream-reader.js';
import type { ToolRequest } from './tool-requests.js';

// the fields of a chat completion and of its chunks read here
interface ToolCallPart {
  id?: string;
  function?: { name?: string };
}
interface Completion {
  model?: string;
  usage?: unknown;
  choices?: Array<{ message?: { tool_calls?: ToolCallPart[] | null } }>;
}
interface Chunk {
  model?: string;
  usage?: unknown;
  choices?: Array<{
    delta?: { content?: string | null; refusal?: string | null; tool_calls?: ToolCallPart[] };
  }>;
}

function toolRequestsOf(parts: ToolCallPart[] | null | undefined, into: ToolRequest[]): void {
  for (const part of parts ?? []) {
    const name = part.function?.name;
    if (typeof name === 'string' && name !== '') into.push({ name, callId: part.id });
  }
}

class ChatStreamReader implements StreamReader<Chunk> {
  private model: string | undefined;
  private usage: unknown;
  private readonly toolRequests: ToolRequest[] = [];

  constructor(private readonly hideUsage: boolean) {}

  read(chunk: Chunk): ReadResult {
    if (typeof chunk.model === 'string') this.model = chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    const choices = chunk.choices;
    // the usage-only last chunk (`choices: []`) that `include_usage`, added by `meter()`, asked for
    if (this.hideUsage && chunk.usage && Array.isArray(choices) && choices.length === 0) return 'hide';
    let token = false;
    for (const choice of choices ?? []) {
      const delta = choice.delta;
      if (!delta) continue;
      if (delta.tool_calls?.length) {
        token = true;
        toolRequestsOf(delta.tool_calls, this.toolRequests);
      }
      if (delta.content || delta.refusal) token = true;
    }
    return token ? 'token' : undefined;
  }

  outcome(): CallOutcome {
    return { usage: fromOpenAIChatUsage(this.usage), model: this.model, toolRequests: this.toolRequests };
  }
}

/** Chat completions: usage from the answer, or from the stream's last chunk (`include_usage`). */
export const chatReader: ResponseReader<Completion, Chunk> = {
  answer(completion) {
    const toolRequests: ToolRequest[] = [];
    for (const choice of completion.choices ?? []) toolRequestsOf(choice.message?.tool_calls, toolRequests);
    return { usage: fromOpenAIChatUsage(completion.usage), model: completion.model, toolRequests };
  },
  stream: (options) => new ChatStreamReader(options?.hideUsage === true),
};
