import { fromLlamaIndexRaw } from '@metrics/core';
import { AttemptLog, type AttemptScope, runInAttemptScope } from '@metrics/core/adapter';
import { observeAttempts } from './attempts.js';
import { type Undo, replaceMethod, restoreMethod } from './instrumentations.js';
import { unobserveAttempts } from './attempts.js';
import { withStreamedUsage } from './include-usage.js';
import { isFirstTokenChunk, isObject, rawModel } from './raw-fields.js';
import { currentRun } from './current-run.js';
import { type OpenModelCall, type RunState, SOURCE } from './run-state.js';

const WRAPPED = Symbol.for('@metrics/llamaindex.llm');

interface LLMLike {
  chat: (...args: unknown[]) => unknown;
  metadata?: { model?: unknown };
  [WRAPPED]?: true;
}

/**
 * Wraps an LLM's `chat` (in place, once) so that the errors LlamaIndex never reports as events
 * (a 429, a 500, a dropped stream) reach the record of the run that made the call, and a streamed
 * `@llamaindex/openai` call asks for its usage (`stream_options.include_usage`, per call: the
 * LLM's own options are untouched). Outside a run the wrapper only forwards. Results and errors
 * are passed through untouched. Returns the same LLM.
 */
export function instrumentLLM<T>(llm: T): T {
  wrapLLM(llm);
  return llm;
}

/** `instrumentLLM`, returning how to put the LLM back (`undefined` when nothing was changed). */
export function wrapLLM(llm: unknown): Undo | undefined {
  const target = llm as LLMLike;
  if (!isObject(target) || typeof target.chat !== 'function' || target[WRAPPED]) return undefined;
  const original = target.chat;
  const chat = function (this: unknown, ...args: unknown[]): unknown {
    const state = currentRun();
    if (!state || state.isEnded) return original.apply(this, args);
    return observeCall(state, original, this, withStreamedUsage(target, args), target);
  };
  try {
    replaceMethod(target, 'chat', chat);
    Object.defineProperty(target, WRAPPED, { value: true, configurable: true });
    observeAttempts(target as unknown as Record<string, unknown>);
    return unwrapLLM;
  } catch {
    // a frozen LLM stays unwrapped: its calls are still seen through events
    return undefined;
  }
}

function unwrapLLM(llm: object): void {
  restoreMethod(llm, 'chat');
  delete (llm as LLMLike)[WRAPPED];
  unobserveAttempts(llm as Record<string, unknown>);
}

function observeCall(
  state: RunState,
  original: (...args: unknown[]) => unknown,
  thisArg: unknown,
  args: unknown[],
  llm: LLMLike,
): unknown {
  const params = args[0];
  const streamed = isObject(params) && params.stream === true;
  const configured = llm.metadata?.model;
  const model = typeof configured === 'string' ? configured : undefined;
  const models = state.models;
  const before = models.starts;
  models.pendingModel = model;
  models.pendingStream = streamed;
  // `llm-start` makes its model call the attempt scope of the request; a call no event announces
  // gets the attempts made in this scope, which it adopts once it starts
  const scope = new PendingScope();
  let result: unknown;
  try {
    result = runInAttemptScope(scope, () => original.apply(thisArg, args));
  } catch (error) {
    models.pendingModel = models.pendingStream = undefined;
    const entry = announced(models, before) ?? scope.adoptedBy(models.startUnannounced(model, streamed));
    state.failModelCall(entry, error);
    throw error;
  }
  models.pendingModel = models.pendingStream = undefined;
  // wrapLLMEvent sends `llm-start` synchronously on call: if none arrived, this LLM reports to
  // another copy of @llamaindex/core, and the wrapper records the call itself.
  let entry = announced(models, before);
  const viaEvents = entry !== undefined;
  if (!entry) {
    entry = scope.adoptedBy(models.startUnannounced(model, streamed));
    warnNoEvents(state);
  }
  const call = entry;
  if (!isObject(result) || typeof (result as unknown as Promise<unknown>).then !== 'function') return result;
  return (result as unknown as Promise<unknown>).then(
    (response) => {
      try {
        // one read of the iterator method (the answer has a map of its own: each read is a miss)
        const iterate = isObject(response)
          ? (response as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator]
          : undefined;
        if (typeof iterate === 'function')
          wrapStream(state, call, response as object, iterate as () => AsyncIterator<unknown>, viaEvents);
        else if (!viaEvents) {
          const raw = isObject(response) ? response.raw : undefined;
          state.endModelCall(call, fromLlamaIndexRaw(raw), rawModel(raw));
        }
      } catch (error) {
        state.diagnostics.reportError(SOURCE, error);
      }
      return response;
    },
    (error: unknown) => {
      try {
        state.failModelCall(call, error);
      } catch (inner) {
        state.diagnostics.reportError(SOURCE, inner);
      }
      throw error;
    },
  );
}

/**
 * The attempt scope of an LLM call until its model call is known. An announced call enters its own
 * scope inside (`startModelCall`); a call no event announces adopts the attempts noted here.
 */
export class PendingScope implements AttemptScope {
  private log: AttemptLog | undefined;
  private call: OpenModelCall['call'] | undefined;

  get ended(): boolean {
    return this.call?.ended ?? false;
  }

  attemptLog(): AttemptLog {
    this.log ??= new AttemptLog();
    return this.log;
  }

  adoptedBy(entry: OpenModelCall): OpenModelCall {
    this.call = entry.call;
    entry.call._adoptAttempts(this.attemptLog());
    return entry;
  }
}

function announced(models: RunState['models'], before: number): OpenModelCall | undefined {
  return models.starts > before ? models.lastStarted : undefined;
}

/**
 * Observes the stream the caller iterates: errors, early exits and, without events, tokens and
 * usage. A plain iterator object (no generator layer): one `.then` per chunk.
 */
function wrapStream(
  state: RunState,
  entry: OpenModelCall,
  response: object,
  inner: (this: unknown) => AsyncIterator<unknown>,
  viaEvents: boolean,
): void {
  const observer = new StreamObserver(state, entry, viaEvents);
  (response as { [Symbol.asyncIterator]: () => AsyncIterator<unknown> })[Symbol.asyncIterator] = () => {
    const iterator = inner.call(response);
    const next = asyncGeneratorNext(iterator);
    return next !== undefined || iterator.throw
      ? new ObservedIteratorWithThrow(observer, iterator, next)
      : new ObservedIterator(observer, iterator, next);
  };
}

/**
 * LlamaIndex's `wrapLLMEvent` iterates each answer with an async generator function created for
 * that call: every such generator object has a map of its own, and the first property read on it
 * costs an inline-cache miss (about 3.5 k instructions). Its prototype chain answers without a
 * read: the generator function's `prototype` (created with it, seen by no one else), then
 * `%AsyncGeneratorPrototype%`, whose `next` (and `throw`) it then uses.
 */
const ASYNC_GENERATOR_PROTOTYPE = Object.getPrototypeOf(async function* () {}.prototype) as {
  next: (this: AsyncIterator<unknown>, ...args: [] | [unknown]) => Promise<IteratorResult<unknown>>;
};
const ASYNC_GENERATOR_NEXT = ASYNC_GENERATOR_PROTOTYPE.next;

/** `%AsyncGeneratorPrototype%.next` when `iterator` is a plain async generator object, else `undefined`. */
export function asyncGeneratorNext(
  iterator: AsyncIterator<unknown>,
): typeof ASYNC_GENERATOR_NEXT | undefined {
  const own: unknown = Object.getPrototypeOf(iterator);
  return own !== null && Object.getPrototypeOf(own) === ASYNC_GENERATOR_PROTOTYPE
    ? ASYNC_GENERATOR_NEXT
    : undefined;
}

/**
 * What the iterations of one observed stream share. The framework keeps the stream (and so this
 * object) until a full collection: once the call ended, it keeps neither the run nor the call alive.
 */
export class StreamObserver {
  state: RunState | undefined;
  entry: OpenModelCall | undefined;
  /** Without events: the last chunks that carried usage or a model. */
  private readonly chunks: unknown[] = [];

  constructor(
    state: RunState,
    entry: OpenModelCall,
    private readonly viaEvents: boolean,
  ) {
    this.state = state;
    this.entry = entry;
  }

  /**
   * After the last chunk `llm-end` already ended the call; otherwise (no events, or the agent
   * stopped reading early, e.g. on an unknown tool) it ends with what was seen.
   */
  close(): void {
    const { state, entry } = this;
    if (state && entry && !entry.call.ended)
      state.endModelCall(entry, fromLlamaIndexRaw(this.chunks), rawModel(this.chunks));
    this.state = this.entry = undefined;
  }

  readonly onResult = (result: IteratorResult<unknown>): IteratorResult<unknown> => {
    const entry = this.entry;
    if (!entry) return result;
    try {
      if (result.done) this.close();
      else if (!this.viaEvents) {
        const chunk = result.value;
        if (isFirstTokenChunk(chunk)) entry.call.firstToken();
        if (isObject(chunk) && isObject(chunk.raw) && (chunk.raw.usage || chunk.raw.model)) {
          this.chunks.push(chunk);
          if (this.chunks.length > 4) this.chunks.shift();
        }
      }
    } catch (error) {
      this.state?.diagnostics.reportError(SOURCE, error);
    }
    return result;
  };

  readonly onError = (error: unknown): never => {
    const { state, entry } = this;
    this.state = this.entry = undefined;
    try {
      if (state && entry) state.failModelCall(entry, error);
    } catch (inner) {
      state?.diagnostics.reportError(SOURCE, inner);
    }
    throw error;
  };
}

/**
 * One iteration of an observed stream: methods on a prototype, not closures and an object literal
 * with a computed key per iteration (that key is a runtime call each time).
 */
export class ObservedIterator implements AsyncIterator<unknown>, AsyncIterable<unknown> {
  /**
   * The request of a stream is made by its first next(): that one runs in the call's scope,
   * whoever reads it; the later ones only read the body (no scope: it costs a context frame each).
   */
  private requested = false;

  constructor(
    private readonly observer: StreamObserver,
    protected readonly iterator: AsyncIterator<unknown>,
    /** `%AsyncGeneratorPrototype%.next` for a plain async generator (no read of `iterator.next`). */
    private readonly generatorNext: typeof ASYNC_GENERATOR_NEXT | undefined,
  ) {}

  next(...args: [] | [unknown]): Promise<IteratorResult<unknown>> {
    const { observer, iterator, generatorNext } = this;
    const entry = observer.entry;
    if (this.requested || !entry) {
      const step = generatorNext ? generatorNext.apply(iterator, args) : iterator.next(...args);
      return step.then(observer.onResult, observer.onError);
    }
    this.requested = true;
    return runInAttemptScope(entry.call, () =>
      generatorNext ? generatorNext.apply(iterator, args) : iterator.next(...args),
    ).then(observer.onResult, observer.onError);
  }

  return(value?: unknown): Promise<IteratorResult<unknown>> {
    const { observer, iterator } = this;
    const { state, entry } = observer;
    if (state && entry && !entry.call.ended) state.stoppedReading(entry);
    observer.close();
    return iterator.return ? iterator.return(value) : Promise.resolve({ done: true as const, value });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** An observed iteration whose inner iterator has `throw` (only then does it have one too). */
export class ObservedIteratorWithThrow extends ObservedIterator {
  throw(error?: unknown): Promise<IteratorResult<unknown>> {
    return (this.iterator as Required<AsyncIterator<unknown>>).throw(error);
  }
}

function warnNoEvents(state: RunState): void {
  if (state.warnedNoEvents) return;
  state.warnedNoEvents = true;
  state.diagnostics.emit({
    type: 'llamaindex.events-not-received',
    level: 'warn',
    source: SOURCE,
    message:
      'an instrumented LLM made a call that sent no llm-start event to the @llamaindex/core copy ' +
      '@metrics/llamaindex uses: either it emits no llm-* events at all (e.g. OpenAIResponses) or it ' +
      'emits them to another copy (two versions installed, e.g. llamaindex@0.12.1 pins 0.6.22 while ' +
      '@llamaindex/openai uses 0.6.23). Calls of instrumented LLMs are still recorded by the wrapper; ' +
      'calls of other LLMs and tool events of that copy are missed. Fix: install one version ' +
      '(package.json "overrides" / "pnpm.overrides": { "@llamaindex/core": "<version>" }) or pass that ' +
      "copy's Settings: new MetricsCallbackManager({ settings: [Settings] })",
  });
}
