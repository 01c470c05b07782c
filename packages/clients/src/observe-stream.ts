import type { MeteredCall } from './metered-call.js';
import type { StreamReader } from './stream-reader.js';

/**
 * An iterator that hands every item to `reader` as it passes to the caller, and ends the model
 * call when the stream ends, fails or is closed early. It reads nothing ahead and buffers nothing:
 * the caller gets the very items, errors and timing of `source`.
 */
export function observeIterator<T>(
  source: AsyncIterator<T>,
  call: MeteredCall,
  reader: StreamReader<T>,
): AsyncIterableIterator<T> & AsyncGenerator<T> {
  const finish = () => call.endWith(() => reader.outcome());
  const observed = {
    next(...args: [] | [unknown]): Promise<IteratorResult<T>> {
      return source.next(...args).then(
        (result) => {
          if (result.done) finish();
          else {
            const seen = call.safely(() => reader.read(result.value));
            if (seen === 'token') call.firstToken();
            else if (seen === 'hide') return observed.next();
          }
          return result;
        },
        (error: unknown) => {
          call.fail(error);
          throw error;
        },
      );
    },
    return(value?: unknown) {
      finish();
      return source.return
        ? source.return(value)
        : Promise.resolve({ done: true as const, value: value as T });
    },
    throw(error?: unknown) {
      call.fail(error);
      if (source.throw) return source.throw(error);
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return observed;
    },
    [Symbol.asyncDispose]() {
      return observed.return().then(() => undefined);
    },
  };
  return observed as unknown as AsyncIterableIterator<T> & AsyncGenerator<T>;
}
