import { randomUUID } from 'node:crypto';
import { message, messageFrames } from './anthropic-messages.js';
import type { Answer, Frames } from './answer.js';
import { chatCompletion, chatCompletionFrames } from './openai-chat.js';
import { response, responseFrames } from './openai-responses.js';
import { PROVIDER_FORMATS } from './provider-apis.js';
import type { ModelApi } from './types.js';

/** The APIs that answer with a scripted completion. */
export type CompletionApi = Extract<
  ModelApi,
  'openai-chat' | 'openai-responses' | 'anthropic-messages' | 'gemini' | 'bedrock-converse'
>;

/** How one API renders an answer: a whole JSON body, or the frames of its event stream. */
export interface ApiFormat {
  json(answer: Answer, request: Record<string, unknown>): unknown;
  frames(answer: Answer, request: Record<string, unknown>): Frames | Uint8Array[][];
  /** The stream's content type, when not server-sent events. */
  contentType?: string;
  /** The model the path names, for APIs that name it there (Gemini, Bedrock). */
  modelOfPath?(path: string): string | undefined;
}

export const API_FORMATS: Record<CompletionApi, ApiFormat> = {
  'openai-chat': {
    json: (answer) => chatCompletion(answer),
    frames: (answer, request) => {
      const streamOptions = request.stream_options as { include_usage?: unknown } | undefined;
      return chatCompletionFrames(answer, streamOptions?.include_usage === true);
    },
  },
  'openai-responses': { json: response, frames: responseFrames },
  'anthropic-messages': { json: (answer) => message(answer), frames: (answer) => messageFrames(answer) },
  ...PROVIDER_FORMATS,
};

/** The request-id headers each provider sends with every answer. */
export function providerHeaders(api: ModelApi): Record<string, string> {
  return api === 'anthropic-messages'
    ? { 'request-id': `req_${randomUUID().replace(/-/g, '')}` }
    : { 'x-request-id': `req_${randomUUID().replace(/-/g, '')}`, 'openai-processing-ms': '1' };
}
