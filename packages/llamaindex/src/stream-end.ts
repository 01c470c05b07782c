import type { Transformer } from 'node:stream/web';
import { isAsyncIterable } from './raw-fields.js';
import type { RunState } from './run-state.js';
import { SOURCE } from './source.js';

/**
 * A stream returned by `run(fn)` ends the run when it is consumed; any other value ends it now.
 * Each `next()` of such a stream runs inside the run, so LlamaIndex's `llm-stream` events (sent
 * from the consumer's context) still reach it.
 */
export function finishWhenConsumed<R>(value: R, state: RunState, enter: <T>(fn: () => T) => T): R {
  try {
    if (typeof (value as { pipeThrough?: unknown } | undefined)?.pipeThrough === 'function') {
      return observeEnd(value, state) as R;
    }
    if (isAsyncIterable(value)) {
      const inner = value[Symbol.asyncIterator].bind(value);
      (value as { [Symbol.asyncIterator]: () => AsyncIterator<unknown> })[Symbol.asyncIterator] = () => {
        const iterator = inner();
        const settle = (step: Promise<IteratorResult<unknown>>) =>
          step.then(
            (result) => {
              if (result.done) state.finish();
              return result;
            },
            (error: unknown) => {
              state.finish(error);
              throw error;
            },
          );
        return {
          next: (...args: [] | [unknown]) => settle(enter(() => iterator.next(...args))),
          return: (result?: unknown) => {
            state.finish();
            return iterator.return
              ? enter(() => (iterator.return as (v?: unknown) => Promise<IteratorResult<unknown>>)(result))
              : Promise.resolve({ done: true as const, value: result });
          },
          throw: (error?: unknown) => {
            state.finish(error);
            return iterator.throw
              ? enter(() => (iterator.throw as (e?: unknown) => Promise<IteratorResult<unknown>>)(error))
              : Promise.reject(error);
          },
          [Symbol.asyncIterator]() {
            return this;
          },
        };
      };
      return value;
    }
  } catch (error) {
    state.diagnostics.reportError(SOURCE, error);
  }
  state.finish();
  return value;
}

/** The run ends when the workflow's event stream ends (or is cancelled). */
export function observeEnd(stream: unknown, state: RunState): unknown {
  const pipeThrough = (stream as { pipeThrough?: unknown } | undefined)?.pipeThrough;
  if (typeof pipeThrough !== 'function') {
    state.diagnostics.emit({
      type: 'llamaindex.unknown-stream',
      level: 'warn',
      source: SOURCE,
      message: 'runStream() returned no stream; the record ends at its deadline',
    });
    return stream;
  }
  try {
    return pipeThrough.call(
      stream,
      new TransformStream({
        flush: () => state.finish(),
        cancel: (reason: unknown) => state.finish(reason instanceof Error ? reason : undefined),
      } as Transformer<unknown, unknown>),
    );
  } catch (error) {
    state.diagnostics.reportError(SOURCE, error);
    return stream;
  }
}
