/**
 * One HTTP request made while a model call was open: a try of the call that the provider client
 * may repeat (after a 429, a 5xx or a dropped connection) without the framework ever knowing.
 */
export interface HttpAttempt {
  /** `protocol//host:port` the request went to. */
  readonly origin: string;
  /** Whether its path is one of a model API's (`/chat/completions`, `/messages`, `:generateContent`, …). */
  readonly modelPath: boolean;
  readonly startedAt: number;
  /** When the response (body included) ended or the request failed; unset while in flight. */
  endedAt: number | undefined;
  /** The response status, once its headers arrived. */
  status: number | undefined;
  /** The connection failure (reset, refused, timeout), when the request never got an answer. */
  error: unknown;
}

/** An attempt the provider did not answer with success: an HTTP error status or no answer at all. */
export function isFailedAttempt(attempt: HttpAttempt): boolean {
  return attempt.error !== undefined || (attempt.status !== undefined && attempt.status >= 400);
}

/**
 * The paths of the model APIs the provider clients call: OpenAI chat completions, responses and
 * completions (and every OpenAI-compatible server), Anthropic messages, Gemini `generateContent`
 * and its stream, Bedrock Converse and InvokeModel, Ollama. A request to one of these is a model
 * request; a request to anything else may be one (a proxy, a custom server).
 */
const MODEL_PATHS =
  /\/(?:chat\/completions|completions|responses|messages|converse(?:-stream)?|invoke(?:-with-response-stream)?|api\/(?:chat|generate))(?:[/?]|$)|:(?:stream)?generateContent\b/i;

/** Whether a request path is a model API's. */
export function isModelPath(path: unknown): boolean {
  return typeof path === 'string' && MODEL_PATHS.test(path);
}

/** More than any client retries; a call that makes more requests than this is not retrying. */
const MAX_REQUESTS = 64;

/**
 * The HTTP requests made while one model call was open, in the order they began. A call's attempts
 * all go to one origin; other requests made in the call's async context (a tracing upload sent from
 * a hook, an MCP server over HTTP) are not its attempts. Which origin is the call's is settled when
 * it ends: the one origin sent model API requests (`isModelPath`), else the origin of the request
 * that finished last (the answer, or the failure the caller saw, arrives just before the call
 * ends), else of the first request.
 */
export class AttemptLog {
  private readonly requests: HttpAttempt[] = [];
  private closed = false;

  /**
   * A log is also an attempt scope of its own (`runInAttemptScope(log, fn)`), for adapters that
   * wrap a model call and record it after the fact (`recordModelCall({ attempts: log })`).
   */
  get ended(): boolean {
    return this.closed;
  }

  attemptLog(): AttemptLog {
    return this;
  }

  /** Ends the scope: requests made later in its context are not attempts. */
  close(): void {
    this.closed = true;
  }

  /** Notes a request that began; returns it, or `undefined` past the bound. */
  begin(origin: string, at: number, path?: string): HttpAttempt | undefined {
    if (this.requests.length >= MAX_REQUESTS) return undefined;
    const attempt: HttpAttempt = {
      origin,
      modelPath: isModelPath(path),
      startedAt: at,
      endedAt: undefined,
      status: undefined,
      error: undefined,
    };
    this.requests.push(attempt);
    return attempt;
  }

  /** How many requests were noted (every origin). */
  get size(): number {
    return this.requests.length;
  }

  /** The call's attempts: its requests to the call's origin, in the order they began. */
  attempts(): HttpAttempt[] {
    const requests = this.requests;
    if (requests.length === 0) return requests;
    const first = requests[0]!.origin;
    if (requests.every((request) => request.origin === first)) return requests;
    const origin = this.modelOrigin() ?? this.lastEndedOrigin();
    return requests.filter((request) => request.origin === origin);
  }

  /** The one origin that was sent model API requests, if exactly one was. */
  private modelOrigin(): string | undefined {
    let origin: string | undefined;
    for (const request of this.requests) {
      if (!request.modelPath || request.origin === origin) continue;
      if (origin !== undefined) return undefined;
      origin = request.origin;
    }
    return origin;
  }

  /** The origin of the request that finished last (the answer arrives just before the call ends), else the first. */
  private lastEndedOrigin(): string {
    let origin = this.requests[0]!.origin;
    let lastEnd = Number.NEGATIVE_INFINITY;
    for (const request of this.requests)
      if (request.endedAt !== undefined && request.endedAt >= lastEnd) {
        lastEnd = request.endedAt;
        origin = request.origin;
      }
    return origin;
  }
}
