import { fromGeminiUsage } from '@metrics/core';
import type { CallOutcome } from './metered-call.js';
import type { ReadResult, ResponseReader, StreamReader } from './stream-reader.js';
import type { ToolRequest } from './tool-requests.js';

// the fields of a GenerateContentResponse read here
interface Part {
  text?: string;
  thought?: boolean;
  functionCall?: { id?: string; name?: string };
}
interface GenerateContentResponse {
  modelVersion?: string;
  usageMetadata?: unknown;
  candidates?: Array<{ content?: { parts?: Part[] } }>;
}

function partsOf(response: GenerateContentResponse): Part[] {
  return response.candidates?.[0]?.content?.parts ?? [];
}

function toolRequestsOf(response: GenerateContentResponse, into: ToolRequest[]): void {
  for (const part of partsOf(response)) {
    const name = part.functionCall?.name;
    if (typeof name === 'string') into.push({ name, callId: part.functionCall?.id });
  }
}

class GeminiStreamReader implements StreamReader<GenerateContentResponse> {
  private last: GenerateContentResponse | undefined;
  private readonly toolRequests: ToolRequest[] = [];

  read(chunk: GenerateContentResponse): ReadResult {
    // each chunk's usageMetadata is the call's so far: the last one is the call's
    if (chunk.usageMetadata) this.last = chunk;
    toolRequestsOf(chunk, this.toolRequests);
    return partsOf(chunk).some((part) => part.text || part.functionCall) ? 'token' : undefined;
  }

  outcome(): CallOutcome {
    return {
      usage: fromGeminiUsage(this.last?.usageMetadata),
      model: this.last?.modelVersion,
      toolRequests: this.toolRequests,
    };
  }
}

/** Gemini: usage from `usageMetadata` of the answer, or of the stream's last chunk. */
export const geminiReader: ResponseReader<GenerateContentResponse, GenerateContentResponse> = {
  answer(response) {
    const toolRequests: ToolRequest[] = [];
    toolRequestsOf(response, toolRequests);
    return { usage: fromGeminiUsage(response.usageMetadata), model: response.modelVersion, toolRequests };
  },
  stream: () => new GeminiStreamReader(),
};
