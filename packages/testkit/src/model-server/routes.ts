import { Router } from '../server/router.js';
import { providerRouteOf } from './provider-apis.js';
import type { ModelApi } from './types.js';

const SINGLE_MODEL = /\/models\/[^/]+$/;

/** Matched on the end of the path, so any base URL prefix works. */
const ROUTES = new Router<ModelApi>('unknown')
  .add('POST', (p) => p.endsWith('/chat/completions'), 'openai-chat')
  .add('POST', (p) => p.endsWith('/responses'), 'openai-responses')
  .add('POST', (p) => p.endsWith('/messages'), 'anthropic-messages')
  .add('POST', (p) => providerRouteOf('POST', p) === 'gemini', 'gemini')
  .add('POST', (p) => providerRouteOf('POST', p) === 'bedrock-converse', 'bedrock-converse')
  .add('GET', (p) => p.endsWith('/models') || SINGLE_MODEL.test(p), 'models');

/** Which API a path belongs to: matched on the end of the path, so any base URL prefix works. */
export function routeOf(method: string, path: string): ModelApi {
  return ROUTES.find(method, path.replace(/\/+$/, ''));
}
