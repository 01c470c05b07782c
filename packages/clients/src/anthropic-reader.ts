import { fromAnthropicUsage } from '@metrics/core';
import type { CallOutcome } from './metered-call.js';
import type { ReadResult, ResponseReader, StreamReader } from './stream-reader.js';
import type { ToolRequest } from './tool-requests.js';

// the fields of a message and of its stream events read here
interface Block {
  type?: string;
  id?: string;
  name?: string;
}
interface Message {
  model?: string;
  usage?: Record<string, unknown>;
  content?: Block[];
}
interface MessageEvent {
  type?: string;
  message?: Message;
  usage?: Record<string, unknown>;
  content_block?: Block;
}

function toolRequestOf(block: Block | undefined): ToolRequest | undefined {
  if (block?.type !== 'tool_use' || typeof block.name !== 'string') return undefined;
  return { name: block.name, callId: block.id };
}

class MessageStreamReader implements StreamReader<MessageEvent> {
  private model: string | undefined;
  private usage: Record<string, unknown> | undefined;
  private readonly toolRequests: ToolRequest[] = [];

  read(event: MessageEvent): ReadResult {
    switch (event.type) {
      case 'message_start':
        this.model = event.message?.model;
        this.usage = { ...event.message?.usage };
        return undefined;
      case 'message_delta':
        // cumulative counts: each field the delta reports replaces the start's
        this.usage = { ...this.usage, ...event.usage };
        return undefined;
      case 'content_block_start': {
        const request = toolRequestOf(event.content_block);
        if (request) this.toolRequests.push(request);
        return undefined;
      }
      case 'content_block_delta':
        return 'token';
      default:
        return undefined;
    }
  }

  outcome(): CallOutcome {
    return { usage: fromAnthropicUsage(this.usage), model: this.model, toolRequests: this.toolRequests };
  }
}

/** Messages: usage from the message, or from `message_start` updated by `message_delta`. */
export const messagesReader: ResponseReader<Message, MessageEvent> = {
  answer(message) {
    const toolRequests: ToolRequest[] = [];
    for (const block of message.content ?? []) {
      const request = toolRequestOf(block);
      if (request) toolRequests.push(request);
    }
    return { usage: fromAnthropicUsage(message.usage), model: message.model, toolRequests };
  },
  stream: () => new MessageStreamReader(),
};
