/**
 * One HTTP request made while a model call was open: a try of the call that the provider client
 * may repeat (after a 429, a 5xx or a dropped connection) without the framework ever knowing.
 */
export interface HttpAttempt {
  /** `protocol//host:port` the request went to. */
  readonly origin: string;
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

/** More than any client retries; a call that makes more requests than this is not retrying. */
const MAX_REQUESTS = 64;

/**
 * The HTTP requests made while one model call was open, in the order they began. A call's attempts
 * all go to one origin; other requests made in the call's async context (a tracing upload sent from
 * a hook, an MCP server over HTTP) are not its attempts. Which origin is the call's is settled when
 * it ends: the origin of the request that finished last (the answer, or the failure the caller saw,
 * arrives just before the call ends), else of the first request.
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
  begin(origin: string, at: number): HttpAttempt | undefined {
    if (this.requests.length >= MAX_REQUESTS) return undefined;
    const attempt: HttpAttempt = {
      origin,
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
    let origin = requests[0]!.origin;
    let lastEnd = Number.NEGATIVE_INFINITY;
    let mixed = false;
    for (const request of requests) {
      if (request.origin !== origin) mixed = true;
      if (request.endedAt !== undefined && request.endedAt >= lastEnd) {
        lastEnd = request.endedAt;
        origin = request.origin;
      }
    }
    return mixed ? requests.filter((request) => request.origin === origin) : requests;
  }
}
