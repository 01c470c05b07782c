import { geminiReader } from './google-reader.js';
import { type MeteredMethod, isMetered, meteredView, unmeter } from './metered-object.js';
import { meteredRequest, modelOf } from './metered-request.js';
import { observeAnswer, observeGenerator } from './observe-promise.js';
import { type ClientContext, type MeterInput, clientContext } from './options.js';

export { unmeter };
export { runTool } from './run-tool.js';
export type { MeterInput } from './options.js';

function meteredCall(context: ClientContext, streamed: boolean, model?: string): MeteredMethod {
  const observe = streamed ? observeGenerator : observeAnswer;
  return (original, _view, args) =>
    meteredRequest(
      context,
      { model: model ?? modelOf(args[0]), streamed },
      () => original(...args),
      (promise, call) => observe(promise, call, geminiReader),
    );
}

// a chat's `sendMessage` calls the models module it was created with: metered as calls of its own
function meteredChats(context: ClientContext): MeteredMethod {
  return (original, _view, args) =>
    meteredView(original(...args), {
      sendMessage: meteredCall(context, false, modelOf(args[0])),
      sendMessageStream: meteredCall(context, true, modelOf(args[0])),
    });
}

/**
 * Meters a `@google/genai` client: returns a client of the same type whose
 * `models.generateContent`, `models.generateContentStream` and chats' `sendMessage` /
 * `sendMessageStream` calls are recorded as model calls of the current invocation
 * (`metrics.withInvocation`), or as one-call records outside any. The client given is left
 * untouched (`unmeter(metered)` returns it).
 */
export function meter<T extends object>(client: T, metrics?: MeterInput): T {
  if (isMetered(client)) return client;
  const context = clientContext(metrics, 'google', 'CUSTOM_PROVIDER');
  return meteredView(client, {
    models: {
      generateContent: meteredCall(context, false),
      generateContentStream: meteredCall(context, true),
    },
    chats: { create: meteredChats(context) },
  });
}
