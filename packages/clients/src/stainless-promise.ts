import type { MeteredCall } from './metered-call.js';
import { observeIterator } from './observe-stream.js';
import type { ResponseReader } from './stream-reader.js';

// the parts of the openai / @anthropic-ai/sdk `APIPromise` and `Stream` read here
interface ApiPromise {
  parseResponse?: (client: unknown, props: unknown) => Promise<unknown>;
  responsePromise?: Promise<unknown>;
}
interface ApiStream {
  iterator?: () => AsyncIterator<unknown>;
}

/**
 * Observes what an `APIPromise` of the openai or Anthropic client resolves to, only when the caller
 * reads it (the response body is never read for a caller who asked for the raw `Response`): a whole
 * answer ends the call, a `Stream` is observed as it is iterated (`tee()` and `toReadableStream()`
 * included). A failed request fails the call.
 */
export function observeApiPromise<P>(
  promise: P,
  call: MeteredCall,
  reader: ResponseReader<any, any>,
  streamed: boolean,
  hideUsage = false,
): P {
  const api = promise as ApiPromise;
  const parse = api.parseResponse;
  if (typeof parse !== 'function' || !(api.responsePromise instanceof Promise)) {
    call.end({});
    return promise;
  }
  api.responsePromise.then(undefined, (error: unknown) => call.fail(error));
  api.parseResponse = async (client, props) => {
    let data: unknown;
    try {
      data = await parse.call(promise, client, props);
    } catch (error) {
      call.fail(error);
      throw error;
    }
    if (streamed) observeStream(data as ApiStream, call, reader, hideUsage);
    else call.endWith(() => reader.answer(data));
    return data;
  };
  return promise;
}

function observeStream(
  stream: ApiStream,
  call: MeteredCall,
  reader: ResponseReader<unknown, unknown>,
  hideUsage: boolean,
): void {
  const iterate = stream?.iterator;
  if (typeof iterate !== 'function') {
    call.end({});
    return;
  }
  stream.iterator = function (this: unknown) {
    return observeIterator(iterate.call(this), call, reader.stream({ hideUsage }));
  };
}
