import { guard, type ModelCall } from '@metrics/core';
import { NOT_A_MODEL_CALL, runInAttemptScope } from '@metrics/core/adapter';
import type { Model, ModelProvider, ModelRequest, ModelResponse, StreamEvent } from '@openai/agents';
import { currentRunState, type RunState } from './run-state.js';
import { isOutputEvent, rawEventModel, rawUsageOf, readResponse } from './stream-events.js';

const SOURCE = '@metrics/openai-agents';

/** Every proxy this module made, so nothing is wrapped twice. */
const metered = new WeakSet<object>();
/** original model or provider → its proxy */
const proxies = new WeakMap<object, object>();

export function isMetered(value: unknown): boolean {
  return typeof value === 'object' && value !== null && metered.has(value);
}

export function isModel(value: unknown): value is Model {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Model).getResponse === 'function' &&
    typeof (value as Model).getStreamedResponse === 'function'
  );
}

/**
 * Starts the model call of one `getResponse`/`getStreamedResponse` and runs `fn` (the wrapped
 * model's work, handed the call) in its attempt scope: every HTTP request the provider client makes
 * for it, its own retries included, is one of its attempts, while the runner's code around it
 * (session writes, hooks, tools) stays outside. `startModelCall` enters the call's scope for the
 * rest of the synchronous code and what it awaits, so one scope run around both confines it to
 * `fn` (one async-context frame per call where a run for the start and another for `fn` made two).
 */
function inNewCall<T>(
  state: RunState,
  request: ModelRequest,
  modelName: string | undefined,
  streamed: boolean,
  fn: (call: ModelCall | undefined) => T,
): T {
  return runInAttemptScope(NOT_A_MODEL_CALL, () => fn(startCall(state, request, modelName, streamed)));
}

/** The recorder's model call (`undefined` when starting it failed: the model still runs). */
export function startCall(
  state: RunState,
  request: ModelRequest,
  modelName: string | undefined,
  streamed: boolean,
): ModelCall | undefined {
  try {
    // the recorder reads an `undefined` model as none given
    return state.current.startModelCall({
      model: modelName,
      attempt: request?.modelSettings?.retry ? state.nextAttempt : 1,
      streamed,
    });
  } catch (error) {
    state.diagnostics.reportError(SOURCE, error);
    return undefined;
  }
}

/** Runs `fn` (the wrapped model's work) with `call` as the scope of the requests it makes. */
function inModelScope<T>(call: ModelCall | undefined, fn: () => T): T {
  return call ? runInAttemptScope(call, fn) : fn();
}

export function endCall(
  state: RunState,
  call: ModelCall | undefined,
  response: unknown,
  stream?: { model: string | undefined; rawUsageSeen: boolean | undefined },
): void {
  try {
    state.nextAttempt = 1;
    if (!call) return;
    const read = readResponse(response, stream?.rawUsageSeen);
    // `undefined` fields are read as absent
    call.end({ usage: read.usage, model: read.model ?? stream?.model });
  } catch (error) {
    state.diagnostics.reportError(SOURCE, error);
  }
}

function failCall(state: RunState, call: ModelCall | undefined, error: unknown): void {
  guard(state.diagnostics, SOURCE, () => {
    call?.fail(error);
    // a runner-managed retry goes on after every model call this one produced (its HTTP attempts)
    state.nextAttempt = call?.nextAttempt ?? state.nextAttempt + 1;
  });
}

/**
 * One non-streamed model call. The call starts after one `await`: `startModelCall` enters the
 * call's attempt scope for the rest of the synchronous code, and past an `await` that code is this
 * function's own continuation, which the caller never shares (its own continuation keeps the
 * context it awaited in). So the scope covers the model's work and nothing of the caller's,
 * without the scope run around it that `inNewCall` needs (an async-context frame per call, a
 * copy of every store of the context, which cost more than the await).
 */
async function meteredResponse(
  target: Model,
  request: ModelRequest,
  modelName: string | undefined,
): Promise<ModelResponse> {
  const state = currentRunState();
  if (!state) return target.getResponse(request);
  await undefined;
  const call = startCall(state, request, modelName, false);
  let response: ModelResponse;
  try {
    response = await target.getResponse(request);
  } catch (error) {
    failCall(state, call, error);
    throw error;
  }
  endCall(state, call, response);
  return response;
}

async function* meteredStream(
  target: Model,
  request: ModelRequest,
  modelName: string | undefined,
): AsyncGenerator<StreamEvent> {
  const state = currentRunState();
  if (!state) {
    yield* target.getStreamedResponse(request);
    return;
  }
  let call: ModelCall | undefined;
  let firstSeen = false;
  let done: unknown;
  const seen: { model: string | undefined; rawUsageSeen: boolean | undefined } = {
    model: undefined,
    rawUsageSeen: undefined,
  };
  // each step of the provider's stream runs in the call's scope (its requests are the call's attempts)
  let events: AsyncIterator<StreamEvent> | undefined;
  let exhausted = false;
  try {
    events = inNewCall(state, request, modelName, true, (started) => {
      call = started;
      return target.getStreamedResponse(request)[Symbol.asyncIterator]();
    });
    while (true) {
      let next: IteratorResult<StreamEvent>;
      try {
        next = await inModelScope(call, () => events!.next());
      } catch (error) {
        exhausted = true;
        throw error;
      }
      if (next.done) {
        exhausted = true;
        break;
      }
      const event = next.value;
      try {
        if (!firstSeen && call && isOutputEvent(event)) {
          firstSeen = true;
          call.firstToken();
        }
        seen.model ??= rawEventModel(event);
        const raw = rawUsageOf(event);
        if (raw?.usage) seen.rawUsageSeen = true;
        else if (raw?.chatChunk) seen.rawUsageSeen ??= false;
        if ((event as { type?: unknown }).type === 'response_done')
          done = (event as { response?: unknown }).response;
      } catch (error) {
        state.diagnostics.reportError(SOURCE, error);
      }
      yield event;
    }
  } catch (error) {
    failCall(state, call, error);
    throw error;
  } finally {
    // the consumer stopped early: close the provider's stream, as `for await` would
    if (events && !exhausted) await inModelScope(call, () => events!.return?.());
    // also runs when the consumer stops early; a call already failed ignores this
    if (call && !call.ended) endCall(state, call, done, seen);
  }
}

/**
 * A transparent proxy of a `Model`: inside a metered run, each `getResponse` /
 * `getStreamedResponse` is one model call with its timing, first token, status and usage, and each
 * HTTP attempt the provider client made for it (its own retries) is one more; outside a metered
 * run, it only forwards. Every other member is the original's, bound to it, so
 * `instanceof`, private fields and `getRetryAdvice` keep working.
 */
export function meterModel(model: Model, modelName?: string): Model {
  if (metered.has(model)) return model;
  const existing = proxies.get(model);
  if (existing) return existing as Model;
  const bound = new Map<PropertyKey, unknown>();
  const getResponse = (request: ModelRequest) => meteredResponse(model, request, modelName);
  const getStreamedResponse = (request: ModelRequest) => meteredStream(model, request, modelName);
  const proxy = new Proxy(model, {
    get(target, property) {
      if (property === 'getResponse') return getResponse;
      if (property === 'getStreamedResponse') return getStreamedResponse;
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let fn = bound.get(property);
      if (fn === undefined || (fn as { original?: unknown }).original !== value) {
        fn = Object.assign((value as (...args: unknown[]) => unknown).bind(target), { original: value });
        bound.set(property, fn);
      }
      return fn;
    },
  });
  metered.add(proxy);
  proxies.set(model, proxy);
  return proxy;
}

/** A proxy of a `ModelProvider` whose `getModel` returns metered models (named after the requested model). */
export function meterModelProvider(provider: ModelProvider): ModelProvider {
  if (metered.has(provider)) return provider;
  const existing = proxies.get(provider);
  if (existing) return existing as ModelProvider;
  const getModel = async (modelName?: string): Promise<Model> => {
    const model = await provider.getModel(modelName);
    return isModel(model) ? meterModel(model, modelName) : model;
  };
  const proxy = new Proxy(provider, {
    get(target, property) {
      if (property === 'getModel') return getModel;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  metered.add(proxy);
  proxies.set(provider, proxy);
  return proxy;
}
