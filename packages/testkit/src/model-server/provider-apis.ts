// The Gemini and Bedrock Converse wire APIs of the model server: their routes (routes.ts), formats
// (api-formats.ts) and error bodies (errors.ts) are registered from here.
import type { ApiFormat } from './api-formats.js';
import { bedrockModelOf, converseResponse, converseStreamFrames } from './bedrock-converse.js';
import { geminiModelOf, generateContentResponse, streamGenerateContentFrames } from './gemini.js';

export type ProviderApi = 'gemini' | 'bedrock-converse';

/** `POST …/models/{model}:generateContent|:streamGenerateContent`, `POST …/model/{id}/converse(-stream)`. */
export function providerRouteOf(method: string, path: string): ProviderApi | undefined {
  if (method !== 'POST') return undefined;
  if (/\/models\/[^/]+:(?:stream)?[gG]enerateContent$/.test(path)) return 'gemini';
  if (/\/model\/[^/]+\/converse(?:-stream)?$/.test(path)) return 'bedrock-converse';
  return undefined;
}

export function isProviderApi(api: string): api is ProviderApi {
  return api === 'gemini' || api === 'bedrock-converse';
}

/** Whether the path asks for a streamed answer (these APIs say so in the path, not the body). */
export function streamedByPath(api: ProviderApi, path: string): boolean {
  return api === 'gemini' ? path.includes(':streamGenerateContent') : path.endsWith('/converse-stream');
}

/** How Gemini and Bedrock render an answer (see `API_FORMATS`). */
export const PROVIDER_FORMATS: Record<ProviderApi, ApiFormat> = {
  gemini: {
    json: (answer) => generateContentResponse(answer),
    frames: (answer) => streamGenerateContentFrames(answer),
    modelOfPath: geminiModelOf,
  },
  'bedrock-converse': {
    json: (answer) => converseResponse(answer),
    frames: (answer) => converseStreamFrames(answer),
    contentType: 'application/vnd.amazon.eventstream',
    modelOfPath: bedrockModelOf,
  },
};

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const AWS_ERRORS: Record<number, string> = {
  400: 'ValidationException',
  403: 'AccessDeniedException',
  404: 'ResourceNotFoundException',
  408: 'ModelTimeoutException',
  424: 'ModelErrorException',
  429: 'ThrottlingException',
  500: 'InternalServerException',
  503: 'ServiceUnavailableException',
};

/** The error body each API sends for `status` (the AWS SDK reads the exception's name from `__type`). */
export function providerErrorBody(api: ProviderApi, status: number, message: string): unknown {
  if (api === 'gemini') {
    const state = GOOGLE_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
    return { error: { code: status, message, status: state } };
  }
  const type = AWS_ERRORS[status] ?? (status >= 500 ? 'InternalServerException' : 'ValidationException');
  return { message, __type: type };
}
