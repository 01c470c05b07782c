import { subscribe } from 'node:diagnostics_channel';
import { processSingleton } from '../adapter/brand.js';
import { now } from '../clock.js';
import type { HttpAttempt } from './attempt-log.js';
import { currentAttemptLog } from './attempt-scope.js';

/**
 * Sees every HTTP request of the process through Node's diagnostics channels — `undici:request:*`
 * for `fetch` (the OpenAI, Anthropic and Google clients), `http.client.*` for `node:http` — and
 * notes the ones made inside an open model call as that call's attempts. The channels publish in
 * the caller's async context, which is how a request finds its model call, so retries a provider
 * client makes on its own (429s, 5xx, resets) are seen without changing the client.
 */

/**
 * Requests that are never model calls although they may be made from inside one, to the model's
 * own host: token counting (`count_tokens`, `countTokens`) and telemetry uploads (OpenAI's trace
 * ingestion, OTLP `/v1/traces|metrics|logs`, Langfuse ingestion, LangSmith runs).
 */
const NOT_MODEL_PATHS =
  /count[_-]?tokens|\/traces\/ingest|\/v1\/(?:traces|metrics|logs)(?:[/?]|$)|\/api\/public\/(?:ingestion|otel)|\/runs\/(?:batch|multipart)/i;

interface UndiciRequest {
  origin?: unknown;
  path?: unknown;
}

interface HttpClientRequest {
  protocol?: unknown;
  host?: unknown;
  path?: unknown;
  getHeader?: (name: string) => unknown;
}

const inFlight = new WeakMap<object, HttpAttempt>();
/** Subscribed once per process, whichever copy of the core comes first (their scopes are shared). */
const observer = processSingleton('httpAttemptObserver', () => ({ subscribed: false }));

/** Whether this runtime publishes HTTP requests on diagnostics channels (Node 22+, Deno, Bun). */
export const HTTP_ATTEMPTS_OBSERVABLE = typeof subscribe === 'function';

function begin(request: object, origin: string, path: unknown): void {
  if (typeof path === 'string' && NOT_MODEL_PATHS.test(path)) return;
  const log = currentAttemptLog();
  if (!log) return;
  const attempt = log.begin(origin, now(), typeof path === 'string' ? path : undefined);
  if (attempt) inFlight.set(request, attempt);
}

function answered(request: object, status: unknown): void {
  const attempt = inFlight.get(request);
  if (attempt && typeof status === 'number') attempt.status = status;
}

function finished(request: object, error?: unknown): void {
  const attempt = inFlight.get(request);
  if (!attempt) return;
  inFlight.delete(request);
  attempt.endedAt = now();
  if (error !== undefined && attempt.status === undefined) attempt.error = error;
}

function onUndiciCreate(message: unknown): void {
  const request = (message as { request?: UndiciRequest }).request;
  if (typeof request !== 'object' || request === null) return;
  begin(request, String(request.origin), request.path);
}

function onUndiciHeaders(message: unknown): void {
  const { request, response } = message as { request?: object; response?: { statusCode?: unknown } };
  if (request) answered(request, response?.statusCode);
}

function onUndiciTrailers(message: unknown): void {
  const { request } = message as { request?: object };
  if (request) finished(request);
}

function onUndiciError(message: unknown): void {
  const { request, error } = message as { request?: object; error?: unknown };
  if (request) finished(request, error ?? new Error('the request failed'));
}

function httpOrigin(request: HttpClientRequest): string {
  const host = request.getHeader?.('host') ?? request.host;
  return `${String(request.protocol ?? 'http:')}//${String(host)}`;
}

function onHttpStart(message: unknown): void {
  const request = (message as { request?: HttpClientRequest }).request;
  if (typeof request !== 'object' || request === null) return;
  begin(request, httpOrigin(request), request.path);
}

function onHttpResponse(message: unknown): void {
  const { request, response } = message as {
    request?: object;
    response?: { statusCode?: unknown; once?: (event: string, listener: () => void) => unknown };
  };
  if (!request || !inFlight.has(request)) return;
  answered(request, response?.statusCode);
  // the body ends later; an 'end' listener does not change how the response flows
  if (typeof response?.once === 'function') response.once('end', () => finished(request));
  else finished(request);
}

function onHttpError(message: unknown): void {
  const { request, error } = message as { request?: object; error?: unknown };
  if (request) finished(request, error ?? new Error('the request failed'));
}

function safely(listener: (message: unknown) => void): (message: unknown) => void {
  return (message) => {
    try {
      listener(message);
    } catch {
      // observing a request must never disturb it
    }
  };
}

/** Subscribes once per process; idempotent and cheap to call. */
export function observeHttpAttempts(): void {
  if (observer.subscribed || !HTTP_ATTEMPTS_OBSERVABLE) return;
  observer.subscribed = true;
  subscribe('undici:request:create', safely(onUndiciCreate));
  subscribe('undici:request:headers', safely(onUndiciHeaders));
  subscribe('undici:request:trailers', safely(onUndiciTrailers));
  subscribe('undici:request:error', safely(onUndiciError));
  subscribe('http.client.request.start', safely(onHttpStart));
  subscribe('http.client.response.finish', safely(onHttpResponse));
  subscribe('http.client.request.error', safely(onHttpError));
}
