import * as mastraObservability from '@mastra/core/observability';

/**
 * Mastra (>= 1.40) keeps the span being executed in an AsyncLocalStorage
 * (`@mastra/core/observability/context-storage`). It links a model request, or an agent that a
 * tool calls without passing its tracing context, to the run it belongs to. Older versions lack
 * the module: then these links are simply not made.
 */
export interface LiveSpan {
  readonly id?: string;
  readonly traceId?: string;
  readonly parent?: LiveSpan;
}

/**
 * Mastra's own synchronous accessor (`resolveCurrentSpan`, set up by the `Mastra` constructor):
 * available from the first run on, unlike the module below, which loads asynchronously and so
 * missed the attempts of the runs made right after the exporter was created. A namespace import:
 * versions without it leave it `undefined` instead of failing to link.
 */
const resolveCurrentSpan = (mastraObservability as { resolveCurrentSpan?: () => LiveSpan | undefined })
  .resolveCurrentSpan;

let getCurrentSpan: (() => LiveSpan | undefined) | undefined;
let loading: Promise<void> | undefined;

/** Starts loading Mastra's context storage (once); safe to call many times. */
export function loadAmbientSpan(): Promise<void> {
  loading ??= import('@mastra/core/observability/context-storage')
    .then((mod: { getCurrentSpan?: () => LiveSpan | undefined }) => {
      if (typeof mod.getCurrentSpan === 'function') getCurrentSpan = mod.getCurrentSpan;
    })
    .catch(() => {
      // not available in this Mastra version
    });
  return loading;
}

/** The span Mastra is executing in the current async context, if known. */
export function currentSpan(): LiveSpan | undefined {
  try {
    return (
      (typeof resolveCurrentSpan === 'function' ? resolveCurrentSpan() : undefined) ?? getCurrentSpan?.()
    );
  } catch {
    return undefined;
  }
}

/** How many of a live span's ancestors are looked at, at most (a bound against a cyclic chain). */
export const MAX_SPAN_CHAIN = 64;
