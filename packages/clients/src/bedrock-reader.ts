import { fromBedrockConverseUsage } from '@metrics/core';
import type { CallOutcome } from './metered-call.js';
import type { ReadResult, ResponseReader, StreamReader } from './stream-reader.js';
import type { ToolRequest } from './tool-requests.js';

// the fields of a Converse output and of ConverseStream events read here
interface ToolUse {
  toolUseId?: string;
  name?: string;
}
interface ConverseOutput {
  usage?: unknown;
  output?: { message?: { content?: Array<{ toolUse?: ToolUse }> } };
}
interface StreamEvent {
  contentBlockStart?: { start?: { toolUse?: ToolUse } };
  contentBlockDelta?: unknown;
  metadata?: { usage?: unknown };
}

function toolRequestOf(toolUse: ToolUse | undefined): ToolRequest | undefined {
  return typeof toolUse?.name === 'string' ? { name: toolUse.name, callId: toolUse.toolUseId } : undefined;
}

class ConverseStreamReader implements StreamReader<StreamEvent> {
  private usage: unknown;
  private readonly toolRequests: ToolRequest[] = [];

  read(event: StreamEvent): ReadResult {
    if (event.metadata) this.usage = event.metadata.usage;
    const request = toolRequestOf(event.contentBlockStart?.start?.toolUse);
    if (request) this.toolRequests.push(request);
    return event.contentBlockDelta || request ? 'token' : undefined;
  }

  outcome(): CallOutcome {
    return { usage: fromBedrockConverseUsage(this.usage), toolRequests: this.toolRequests };
  }
}

/** Converse: usage from the output, or from the stream's last event (`metadata`). */
export const converseReader: ResponseReader<ConverseOutput, StreamEvent> = {
  answer(output) {
    const toolRequests: ToolRequest[] = [];
    for (const block of output.output?.message?.content ?? []) {
      const request = toolRequestOf(block.toolUse);
      if (request) toolRequests.push(request);
    }
    return { usage: fromBedrockConverseUsage(output.usage), toolRequests };
  },
  stream: () => new ConverseStreamReader(),
};
