import { readField } from '../usage/read-fields.js';

/**
 * What kind of failure a thrown value is:
 * - `throttle`: HTTP 429;
 * - `client`: another HTTP 4xx;
 * - `server`: HTTP 5xx;
 * - `network`: a connection failure (reset, refused, DNS, socket, undici errors);
 * - `timeout`: a request timeout;
 * - `abort`: the caller aborted;
 * - `unknown`: nothing above could be found.
 */
export type ErrorCategory = 'throttle' | 'client' | 'server' | 'network' | 'timeout' | 'abort' | 'unknown';

/** A classified error, safe to keep and export: no stack, no request, no headers. */
export interface ErrorInfo {
  category: ErrorCategory;
  /** The error's class or name, e.g. `RateLimitError`, `APICallError`. */
  name: string;
  /** The HTTP status found on the error or anything it wraps. */
  status?: number;
  /** A network or provider code, e.g. `ECONNRESET`, `UND_ERR_SOCKET`, `rate_limit_exceeded`. */
  code?: string;
  /** The first 200 characters of the message, with credentials masked. */
  message: string;
}

const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ABORT_ERR_TIMEOUT',
]);
const TIMEOUT_NAMES = new Set([
  'TimeoutError',
  'APIConnectionTimeoutError',
  'ModelTimeoutError',
  'ConnectTimeoutError',
  'HeadersTimeoutError',
  'BodyTimeoutError',
]);
const ABORT_NAMES = new Set(['AbortError', 'APIUserAbortError', 'ResponseAborted']);
const NETWORK_NAMES = new Set(['APIConnectionError', 'FetchError', 'SocketError']);
const MAX_DEPTH = 8;
const get = readField;
const MESSAGE_LIMIT = 200;

function httpStatus(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{3}$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 400 && n <= 599 ? n : undefined;
}

function errorName(value: unknown): string {
  if (typeof value !== 'object' || value === null) return typeof value === 'string' ? 'Error' : typeof value;
  const name = get(value, 'name');
  const ctor = (get(value, 'constructor') as { name?: unknown } | undefined)?.name;
  if (typeof name === 'string' && name && name !== 'Error') return name;
  if (typeof ctor === 'string' && ctor && ctor !== 'Object') return ctor;
  return typeof name === 'string' && name ? name : 'Error';
}

/**
 * Masks things that look like credentials: bearer/basic tokens, `sk-…` keys, JSON Web Tokens
 * (a bare `eyJ…` base64url JSON header, with or without its payload and signature, also cut
 * short), `key=`/`token=` values.
 */
export function maskSecrets(text: string): string {
  return text
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 ***')
    .replace(/\beyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2}/g, '***')
    .replace(/\b(sk|pk|rk)-[A-Za-z0-9_-]{8,}/g, '$1-***')
    .replace(
      /([?&;\s"']?(?:api[_-]?key|token|password|secret|authorization)["']?\s*[=:]\s*["']?)[^\s"'&;,]{4,}/gi,
      '$1***',
    );
}

function safeMessage(value: unknown): string {
  let message: unknown = typeof value === 'string' ? value : get(value, 'message');
  if (typeof message !== 'string') message = '';
  const text = message as string;
  return maskSecrets(text.length > MESSAGE_LIMIT * 2 ? text.slice(0, MESSAGE_LIMIT * 2) : text).slice(
    0,
    MESSAGE_LIMIT,
  );
}

interface Findings {
  status?: number;
  code?: string;
  timeout: boolean;
  abort: boolean;
  network: boolean;
}

function inspect(value: unknown, findings: Findings, seen: Set<unknown>, depth: number): void {
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if (findings.status === undefined) {
    findings.status =
      httpStatus(get(get(value, 'response'), 'status')) ??
      httpStatus(get(value, 'status')) ??
      httpStatus(get(value, 'statusCode')) ??
      // the AWS SDK's service exceptions
      httpStatus(get(get(value, '$metadata'), 'httpStatusCode'));
  }
  const code = get(value, 'code');
  if (typeof code === 'string' && code) {
    if (findings.code === undefined) findings.code = code;
    if (TIMEOUT_CODES.has(code)) findings.timeout = true;
    else if (NETWORK_CODES.has(code) || code.startsWith('UND_ERR')) findings.network = true;
    else if (code === 'ABORT_ERR') findings.abort = true;
  }
  const name = errorName(value);
  if (TIMEOUT_NAMES.has(name)) findings.timeout = true;
  else if (ABORT_NAMES.has(name)) findings.abort = true;
  else if (NETWORK_NAMES.has(name)) findings.network = true;
  // Retry wrappers keep the real failure as `lastError` (AI SDK RetryError) or the last of `errors`.
  inspect(get(value, 'lastError'), findings, seen, depth + 1);
  const errors = get(value, 'errors');
  if (Array.isArray(errors) && errors.length > 0)
    inspect(errors[errors.length - 1], findings, seen, depth + 1);
  inspect(get(value, 'cause'), findings, seen, depth + 1);
  inspect(get(value, 'error'), findings, seen, depth + 1);
}

/**
 * Classifies any thrown value, looking through `cause` chains, retry wrappers (`lastError`,
 * `errors`), `response.status`/`status`/`statusCode`/`$metadata.httpStatusCode` (AWS SDK), network error codes (including undici's
 * `UND_ERR_*`) and abort/timeout errors. Never throws; cycles and hostile getters are safe.
 */
export function classifyError(error: unknown): ErrorInfo {
  const findings: Findings = { timeout: false, abort: false, network: false };
  try {
    inspect(error, findings, new Set(), 0);
  } catch {
    // classification must never throw
  }
  let category: ErrorCategory;
  const status = findings.status;
  if (status !== undefined) category = statusCategory(status);
  else if (findings.timeout) category = 'timeout';
  else if (findings.abort) category = 'abort';
  else if (findings.network) category = 'network';
  else category = 'unknown';
  const info: ErrorInfo = { category, name: errorName(error), message: safeMessage(error) };
  if (status !== undefined) info.status = status;
  if (findings.code !== undefined) info.code = findings.code.slice(0, 64);
  return info;
}

/** The category of an HTTP error status: 429 a throttle, other 4xx the client's, 5xx the server's. */
function statusCategory(status: number): ErrorCategory {
  if (status === 429) return 'throttle';
  return status >= 500 ? 'server' : 'client';
}

/**
 * Classifies an HTTP answer seen on the wire (a failed attempt the client may have retried), from
 * its status alone: there is no error object to look into.
 */
export function classifyHttpStatus(status: number): ErrorInfo {
  return { category: statusCategory(status), name: 'HttpAttemptError', status, message: `HTTP ${status}` };
}
