import type { InvocationExporter } from '../exporter.js';

/**
 * Wraps a serverless handler so that every invocation ends with `exporter.flush()` (awaited,
 * its failure swallowed), because the platform may freeze the instance as soon as the handler
 * returns. The handler's own result or error passes through untouched.
 */
export function withFlush<A extends unknown[], R>(
  exporter: Pick<InvocationExporter, 'flush'>,
  handler: (...args: A) => R | Promise<R>,
): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } finally {
      try {
        await exporter.flush?.();
      } catch {
        // delivery problems are the exporter's diagnostics, never the handler's result
      }
    }
  };
}
