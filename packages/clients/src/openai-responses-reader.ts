import { fromOpenAIResponsesUsage } from '@metrics/core';
import type { CallOutcome } from './metered-call.js';
import type { ReadResult, ResponseReader, StreamReader } from './stream-reader.js';
import type { ToolRequest } from './tool-requests.js';

// the fields of a response and of its stream events read here
interface OutputItem {
  type?: string;
  name?: string;
  call_id?: string;
}
interface Response {
  model?: string;
  usage?: unknown;
  output?: OutputItem[];
}
interface ResponseEvent {
  type?: string;
  response?: Response;
}

// the events that end a response and carry it whole, usage included
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

function outcomeOf(response: Response | undefined): CallOutcome {
  const toolRequests: ToolRequest[] = [];
  for (const item of response?.output ?? [])
    if (item.type === 'function_call' && typeof item.name === 'string')
      toolRequests.push({ name: item.name, callId: item.call_id });
  return { usage: fromOpenAIResponsesUsage(response?.usage), model: response?.model, toolRequests };
}

class ResponsesStreamReader implements StreamReader<ResponseEvent> {
  private final: Response | undefined;
  private model: string | undefined;

  read(event: ResponseEvent): ReadResult {
    const type = event.type ?? '';
    if (typeof event.response?.model === 'string') this.model = event.response.model;
    if (FINAL_EVENTS.has(type)) this.final = event.response;
    return type.endsWith('.delta') ? 'token' : undefined;
  }

  outcome(): CallOutcome {
    const outcome = outcomeOf(this.final);
    return { ...outcome, model: outcome.model ?? this.model };
  }
}

/** Responses API: usage from the response, or from the stream's `response.completed` event. */
export const responsesReader: ResponseReader<Response, ResponseEvent> = {
  answer: outcomeOf,
  stream: () => new ResponsesStreamReader(),
};
