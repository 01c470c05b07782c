import { isProviderApi, providerErrorBody } from './provider-apis.js';
import type { ModelApi } from './types.js';

const OPENAI_TYPES: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
  500: { type: 'server_error', code: null },
  503: { type: 'server_error', code: 'service_unavailable' },
};

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  503: 'overloaded_error',
  529: 'overloaded_error',
};

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid request (scripted by @metrics/testkit)',
  401: 'Incorrect API key provided (scripted by @metrics/testkit)',
  403: 'Permission denied (scripted by @metrics/testkit)',
  404: 'Not found (scripted by @metrics/testkit)',
  429: 'Rate limit reached (scripted by @metrics/testkit)',
  500: 'The server had an error while processing your request (scripted by @metrics/testkit)',
  503: 'The server is overloaded or not ready yet (scripted by @metrics/testkit)',
};

export function defaultErrorMessage(status: number): string {
  return DEFAULT_MESSAGES[status] ?? `HTTP ${status} (scripted by @metrics/testkit)`;
}

/** The JSON error body each API sends for `status`. */
export function errorBody(api: ModelApi, status: number, message: string): unknown {
  if (isProviderApi(api)) return providerErrorBody(api, status, message);
  if (api === 'anthropic-messages') {
    const type = ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message } };
  }
  const known = OPENAI_TYPES[status] ?? {
    type: status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return { error: { message, type: known.type, param: null, code: known.code } };
}
