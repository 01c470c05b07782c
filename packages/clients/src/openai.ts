import { chatReader } from './openai-chat-reader.js';
import { responsesReader } from './openai-responses-reader.js';
import { type MeterSpec, type MeteredMethod, isMetered, meteredView, unmeter } from './metered-object.js';
import { meteredRequest, modelOf } from './metered-request.js';
import { type ClientContext, type MeterInput, clientContext } from './options.js';
import type { ResponseReader } from './stream-reader.js';
import { observeApiPromise } from './stainless-promise.js';

export { unmeter };
export { runTool } from './run-tool.js';
export type { MeterInput } from './options.js';

interface Body {
  stream?: unknown;
  stream_options?: { include_usage?: unknown } | null;
}

/** Streamed chat completions report usage only with `include_usage`: asked for when the caller did not say. */
function withStreamUsage(body: Body): { body: Body; added: boolean } {
  if (body?.stream !== true || body.stream_options?.include_usage !== undefined)
    return { body, added: false };
  return { body: { ...body, stream_options: { ...body.stream_options, include_usage: true } }, added: true };
}

function meteredCreate(
  context: ClientContext,
  reader: ResponseReader<any, any>,
  addUsage: boolean,
): MeteredMethod {
  return (original, _view, [body, ...rest]) => {
    const sent = addUsage ? withStreamUsage(body) : { body, added: false };
    const streamed = body?.stream === true;
    return meteredRequest(
      context,
      { model: modelOf(body), streamed },
      () => original(sent.body, ...rest),
      (promise, call) => observeApiPromise(promise, call, reader, streamed, sent.added),
    );
  };
}

/**
 * Meters an `openai` client: returns a client of the same type whose `chat.completions.create`
 * (and `parse`) and `responses.create` calls, streamed or not, are recorded as model calls of the
 * current invocation (`metrics.withInvocation`), or as one-call records outside any. The client
 * given is left untouched (`unmeter(metered)` returns it).
 */
export function meter<T extends object>(client: T, metrics?: MeterInput): T {
  if (isMetered(client)) return client;
  const context = clientContext(metrics, 'openai', 'CUSTOM_PROVIDER');
  const spec: MeterSpec = {
    chat: {
      completions: {
        create: meteredCreate(context, chatReader, true),
        parse: meteredCreate(context, chatReader, false),
      },
    },
    responses: {
      create: meteredCreate(context, responsesReader, false),
      parse: meteredCreate(context, responsesReader, false),
    },
  };
  return meteredView(client, spec);
}
