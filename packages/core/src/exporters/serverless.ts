import type { InvocationExporter } from '../exporter.js';
import { DEFAULT_FLUSH_TIMEOUT_MS, settleWithin, timeoutOption } from './deadline.js';

export interface WithFlushOptions {
  /** The longest the handler's result waits for delivery. Default `DEFAULT_FLUSH_TIMEOUT_MS` (2000 ms). */
  timeoutMs?: number;
}

/**
 * Wraps a serverless handler so that every invocation ends with `exporter.flush({ timeoutMs })`
 * (awaited at most `timeoutMs`, its failure swallowed), because the platform may freeze the
 * instance as soon as the handler returns. `exporter` may be an exporter or a `Metrics`
 * instance. The handler's own result or error passes through untouched; a failing or hanging
 * endpoint delays it by at most `timeoutMs`.
 */
export function withFlush<A extends unknown[], R>(
  exporter: Pick<InvocationExporter, 'flush'>,
  handler: (...args: A) => R | Promise<R>,
  options: WithFlushOptions = {},
): (...args: A) => Promise<R> {
  const timeoutMs = timeoutOption(options, DEFAULT_FLUSH_TIMEOUT_MS);
  return async (...args: A) => {
    try {
      return await handler(...args);
    } finally {
      try {
        const flushing = exporter.flush?.({ timeoutMs });
        if (flushing) await settleWithin(flushing, timeoutMs);
      } catch {
        // delivery problems are the exporter's diagnostics, never the handler's result
      }
    }
  };
}
