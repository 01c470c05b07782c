import type { MeteredCall } from './metered-call.js';
import { observeIterator } from './observe-stream.js';
import type { ResponseReader } from './stream-reader.js';

/** Ends the call with what the answer `promise` resolves to, or fails it; returns `promise` itself. */
export function observeAnswer<P extends Promise<unknown>>(
  promise: P,
  call: MeteredCall,
  reader: ResponseReader<any, unknown>,
): P {
  promise.then(
    (answer) => call.endWith(() => reader.answer(answer)),
    (error: unknown) => call.fail(error),
  );
  return promise;
}

/**
 * Observes the async generator `promise` resolves to as the caller iterates it: its own `next`,
 * `return` and `throw` pass every item through the reader (the generator itself is what the caller
 * gets). A rejected `promise` fails the call.
 */
export function observeGenerator<P extends Promise<unknown>>(
  promise: P,
  call: MeteredCall,
  reader: ResponseReader<unknown, any>,
): P {
  promise.then(
    (value) => {
      const generator = value as AsyncGenerator<unknown>;
      if (typeof generator?.next !== 'function') return call.end({});
      const observed = observeIterator(
        {
          next: generator.next.bind(generator),
          return: generator.return.bind(generator),
          throw: generator.throw.bind(generator),
        },
        call,
        reader.stream(),
      );
      generator.next = observed.next;
      generator.return = observed.return;
      generator.throw = observed.throw;
    },
    (error: unknown) => call.fail(error),
  );
  return promise;
}
