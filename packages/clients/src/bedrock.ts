import { type SmithyClient, addSmithyAttemptsMiddleware } from '@metrics/core/adapter';
import { converseReader } from './bedrock-reader.js';
import { type MeteredMethod, isMetered, meteredView, unmeter as original } from './metered-object.js';
import { meteredRequest } from './metered-request.js';
import { observeAnswer } from './observe-promise.js';
import { observeIterator } from './observe-stream.js';
import type { MeteredCall } from './metered-call.js';
import { type ClientContext, type MeterInput, clientContext } from './options.js';

export { runTool } from './run-tool.js';
export type { MeterInput } from './options.js';

interface Command {
  constructor?: { name?: string };
  input?: { modelId?: unknown; messages?: unknown };
}

const removals = new WeakMap<object, () => void>();

/** Which Converse call a command is (`ConverseCommand`, `ConverseStreamCommand`); other commands are not model calls. */
function kindOf(command: Command): 'converse' | 'stream' | undefined {
  const name = command?.constructor?.name;
  if (name === 'ConverseCommand') return 'converse';
  if (name === 'ConverseStreamCommand') return 'stream';
  return undefined;
}

function observeStreamOutput(promise: Promise<{ stream?: AsyncIterable<unknown> }>, call: MeteredCall) {
  promise.then(
    (output) => {
      const source = output?.stream;
      if (!source || typeof source[Symbol.asyncIterator] !== 'function') return call.end({});
      output.stream = {
        [Symbol.asyncIterator]: () =>
          observeIterator(source[Symbol.asyncIterator](), call, converseReader.stream()),
      };
    },
    (error: unknown) => call.fail(error),
  );
  return promise;
}

function meteredSend(context: ClientContext): MeteredMethod {
  return (send, _view, args) => {
    const command = args[0] as Command;
    const kind = kindOf(command);
    // callback style (`send(command, callback)`) is passed through unmetered
    if (!kind || args.some((arg) => typeof arg === 'function')) return send(...args);
    const model = typeof command.input?.modelId === 'string' ? command.input.modelId : undefined;
    return meteredRequest(
      context,
      { model, streamed: kind === 'stream' },
      () => send(...args),
      (promise, call) =>
        kind === 'stream' ? observeStreamOutput(promise, call) : observeAnswer(promise, call, converseReader),
    );
  };
}

/**
 * Meters a `BedrockRuntimeClient`: returns a client of the same type whose `send(new ConverseCommand(…))`
 * and `send(new ConverseStreamCommand(…))` calls are recorded as model calls of the current invocation
 * (`metrics.withInvocation`), or as one-call records (`providerType` `BEDROCK`) outside any. To see each
 * HTTP/2 attempt (the client's default handler), it adds one middleware to the client's stack;
 * `unmeter(metered)` removes it and returns the client given.
 */
export function meter<T extends object>(client: T, metrics?: MeterInput): T {
  if (isMetered(client)) return client;
  const context = clientContext(metrics, 'bedrock', 'BEDROCK');
  const view = meteredView(client, { send: meteredSend(context) });
  removals.set(view, addSmithyAttemptsMiddleware(client as SmithyClient));
  return view;
}

/** The client `meter()` was given, without the attempts middleware. */
export function unmeter<T>(client: T): T {
  if (typeof client === 'object' && client !== null) removals.get(client)?.();
  return original(client);
}
