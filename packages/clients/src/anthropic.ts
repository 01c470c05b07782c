import { messagesReader } from './anthropic-reader.js';
import { type MeteredMethod, isMetered, meteredView, unmeter } from './metered-object.js';
import { meteredRequest, modelOf } from './metered-request.js';
import { type ClientContext, type MeterInput, clientContext } from './options.js';
import { observeApiPromise } from './stainless-promise.js';

export { unmeter };
export { runTool } from './run-tool.js';
export type { MeterInput } from './options.js';

function meteredCreate(context: ClientContext): MeteredMethod {
  return (original, _view, [body, ...rest]) => {
    const streamed = body?.stream === true;
    return meteredRequest(
      context,
      { model: modelOf(body), streamed },
      () => original(body, ...rest),
      (promise, call) => observeApiPromise(promise, call, messagesReader, streamed),
    );
  };
}

// `messages.stream()` and `messages.parse()` call `this.create()`: run on the metered view, they go
// through the metered `create` (one model call each)
const onView: MeteredMethod = (_original, view, args, unbound) => unbound.apply(view, args);

/**
 * Meters an `@anthropic-ai/sdk` client: returns a client of the same type whose `messages.create`,
 * `messages.stream` and `messages.parse` calls are recorded as model calls of the current
 * invocation (`metrics.withInvocation`), or as one-call records outside any. The client given is
 * left untouched (`unmeter(metered)` returns it).
 */
export function meter<T extends object>(client: T, metrics?: MeterInput): T {
  if (isMetered(client)) return client;
  const context = clientContext(metrics, 'anthropic', 'CUSTOM_PROVIDER');
  return meteredView(client, {
    messages: { create: meteredCreate(context), stream: onView, parse: onView },
  });
}
