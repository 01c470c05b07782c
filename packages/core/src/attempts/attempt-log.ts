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
const MAX_ATTEMPTS = 64;

/**
 * The HTTP attempts of one model call, in the order they began. All of a call's attempts go to one
 * origin, the first one's: a request to another origin made in the call's async context (a tracing
 * upload scheduled from inside the call, say) is not one of its attempts.
 */
export class AttemptLog {
  readonly attempts: HttpAttempt[] = [];
  private origin: string | undefined;
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

  /** Notes a request that began; returns its attempt, or `undefined` when it is not one of this call's. */
  begin(origin: string, at: number): HttpAttempt | undefined {
    if (this.origin === undefined) this.origin = origin;
    else if (origin !== this.origin) return undefined;
    if (this.attempts.length >= MAX_ATTEMPTS) return undefined;
    const attempt: HttpAttempt = {
      origin,
      startedAt: at,
      endedAt: undefined,
      status: undefined,
      error: undefined,
    };
    this.attempts.push(attempt);
    return attempt;
  }

  /** Index of the last failed attempt, or -1. */
  lastFailedIndex(): number {
    for (let i = this.attempts.length - 1; i >= 0; i--) if (isFailedAttempt(this.attempts[i]!)) return i;
    return -1;
  }
}
