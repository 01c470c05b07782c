import { NOT_A_MODEL_CALL, runInAttemptScope } from '../attempts/attempt-scope.js';
import { classifyError } from '../errors/classify-error.js';
import { readCapped } from './bytes.js';
import { safeErrorMessage } from './safe-error-message.js';
import { isRetryableStatus, parseRetryAfter } from './retry-policy.js';
import { startTimer } from './timers.js';

/** How one HTTP attempt ended. */
export type AttemptOutcome =
  | { kind: 'ok'; status: number }
  | { kind: 'retry'; status?: number; retryAfterMs?: number; reason: string }
  | { kind: 'final'; status: number; reason: string }
  /** Aborted from outside (the shutdown deadline), not by the request timeout. */
  | { kind: 'aborted' };

export interface HttpTransportOptions {
  url: string;
  headers: Record<string, string>;
  requestTimeoutMs: number;
  maxResponseBytes: number;
  maxRetryAfterMs: number;
  fetch: typeof fetch;
}

/** What the transport reports as it goes (the exporter's request counters). */
export interface TransportObserver {
  attempted(): void;
  answered(status: number): void;
}

const BODY_EXCERPT = 300;
/** How much of an error body is redacted and then cut to `BODY_EXCERPT`. */
const REDACT_WINDOW = 2048;
const REDIRECT_REASON = 'a redirect, which is not followed so credentials never leave the configured host';

/**
 * One POST of a request body: `redirect: 'manual'`, a per-attempt timeout (headers and body), at
 * most `maxResponseBytes` of the answer read, and the status mapped to an outcome. Every text
 * from outside (an error body, a network error) is redacted before it reaches a reason.
 */
export class HttpTransport {
  constructor(
    private readonly options: HttpTransportOptions,
    private readonly redact: (text: string) => string,
    private readonly observer: TransportObserver,
  ) {}

  /** Sends `body`; `controller` aborts it from outside. Never rejects. */
  async post(body: Uint8Array, controller: AbortController): Promise<AttemptOutcome> {
    const { requestTimeoutMs } = this.options;
    let timedOut = false;
    const timer = startTimer(() => {
      timedOut = true;
      controller.abort();
    }, requestTimeoutMs);
    this.observer.attempted();
    try {
      const response = await this.send(body, controller.signal);
      this.observer.answered(response.status);
      const text = await readCapped(response, this.options.maxResponseBytes);
      return this.outcome(response, text);
    } catch (error) {
      if (controller.signal.aborted && !timedOut) return { kind: 'aborted' };
      if (timedOut) return { kind: 'retry', reason: `a timeout after ${requestTimeoutMs} ms` };
      return { kind: 'retry', reason: `a network error (${this.networkError(error)})` };
    } finally {
      clearTimeout(timer);
    }
  }

  private send(body: Uint8Array, signal: AbortSignal): Promise<Response> {
    const { url, headers } = this.options;
    // a delivery is never a model call's attempt, whatever context the batch was flushed from
    return runInAttemptScope(NOT_A_MODEL_CALL, () =>
      this.options.fetch(url, { method: 'POST', headers, body, redirect: 'manual', signal }),
    );
  }

  private outcome(response: Response, text: string): AttemptOutcome {
    const status = response.status;
    if (status >= 200 && status < 300) return { kind: 'ok', status };
    if (isRetryableStatus(status)) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.options.maxRetryAfterMs);
      return {
        kind: 'retry',
        status,
        ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        reason: `HTTP ${status}`,
      };
    }
    // `redirect: 'manual'`: Node returns the 3xx itself, browsers an opaque redirect with status 0.
    const redirected = response.type === 'opaqueredirect' || (status >= 300 && status < 400);
    return { kind: 'final', status, reason: redirected ? REDIRECT_REASON : this.bodyExcerpt(text) };
  }

  /**
   * The quoted start of an error body. Redacted before it is cut to the excerpt, so a secret
   * straddling that cut cannot leak its first half. Only the first REDACT_WINDOW characters are
   * looked at (a few ms at most): any 8 characters of a secret are masked, so a secret cut there
   * leaks nothing either.
   */
  private bodyExcerpt(text: string): string {
    const excerpt = this.redact(text.trim().slice(0, REDACT_WINDOW));
    if (!excerpt) return 'no response body';
    return `"${excerpt.slice(0, BODY_EXCERPT)}${excerpt.length > BODY_EXCERPT ? '…' : ''}"`;
  }

  /** The error's code (`ECONNREFUSED`, ...) or else its redacted message. */
  private networkError(error: unknown): string {
    const code = classifyError(error).code ?? classifyError((error as { cause?: unknown })?.cause).code;
    return code ? this.redact(code) : safeErrorMessage(error, this.redact);
  }
}
