import { type InvocationRecorder, type Usage, fromAiSdkProviderUsage, now } from '@metrics/core';
import { AttemptLog, observeHttpAttempts, runInAttemptScope } from '@metrics/core/adapter';
import { StreamAttempt, type StreamPart } from './stream-attempt.js';

/** One request to the model (one attempt of Mastra's retry loop), as the model wrapper saw it. */
export interface ModelAttempt {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly firstTokenAt?: number;
  readonly streamed: boolean;
  readonly usage?: Usage;
  readonly model?: string;
  readonly provider?: string;
  readonly error?: unknown;
  /**
   * The HTTP requests the model made for this call, seen by `@metrics/core` on the wire: a
   * provider client that retries inside one call of Mastra's makes each try a model call of its own.
   */
  readonly attempts?: AttemptLog;
}

/**
 * Records an attempt as one model call of `recorder`. The attempt is passed as it is: the
 * recorder reads each field once and takes an `undefined` field as absent, so copying the fields
 * that are set into a new object first (eight spreads per model call) bought nothing.
 */
export function recordAttempt(recorder: InvocationRecorder, attempt: ModelAttempt): void {
  recorder.recordModelCall(attempt);
}

/** Where an attempt is reported; resolved when the attempt starts (in the caller's async context). */
export type AttemptSink = (attempt: ModelAttempt) => void;

/** Finds the sink of the current run, or `undefined` when no run is being measured. */
export type SinkResolver = () => AttemptSink | undefined;

interface RegisteredResolver {
  readonly resolve: SinkResolver;
  /** Its sinks read a successful request's usage (the exporter's do not: it records the span's). */
  readonly usage: boolean;
}

let resolvers: RegisteredResolver[] = [];
/** Whether the sink `resolveSink` last returned reads a successful request's usage (read at once by its caller). */
let resolvedSinkReadsUsage = true;

/**
 * Registers a way to find the run a model request belongs to (the standalone wrapper's async
 * context, an exporter's open traces); the first resolver that answers wins, and `first` ones
 * (the most specific: an explicit async context) are asked before the others. `usage: false`
 * says its sinks never read a successful `doGenerate` request's usage, so the wrapper does not
 * convert it (about 2 k instructions per model call).
 */
export function registerSinkResolver(
  resolver: SinkResolver,
  options: { first?: boolean; usage?: boolean } = {},
): () => void {
  const entry: RegisteredResolver = { resolve: resolver, usage: options.usage !== false };
  resolvers = options.first ? [entry, ...resolvers] : [...resolvers, entry];
  return () => {
    resolvers = resolvers.filter((r) => r !== entry);
  };
}

function resolveSink(): AttemptSink | undefined {
  for (const resolver of resolvers) {
    try {
      const sink = resolver.resolve();
      if (sink) {
        resolvedSinkReadsUsage = resolver.usage;
        return sink;
      }
    } catch {
      // a failing resolver is skipped
    }
  }
  return undefined;
}

const OBSERVED = Symbol.for('@metrics/mastra.observed-model');

/** True for an AI SDK language model object (spec v2, v3 or v4) that this wrapper can observe. */
export function isObservableModel(model: unknown): model is Record<string | symbol, unknown> {
  if (typeof model !== 'object' || model === null) return false;
  const m = model as Record<string, unknown>;
  return (
    typeof m.doGenerate === 'function' &&
    typeof m.doStream === 'function' &&
    (m.specificationVersion === 'v2' || m.specificationVersion === 'v3' || m.specificationVersion === 'v4')
  );
}

function modelId(model: Record<string | symbol, unknown>): string | undefined {
  return typeof model.modelId === 'string' ? model.modelId : undefined;
}

function providerName(model: Record<string | symbol, unknown>): string | undefined {
  return typeof model.provider === 'string' ? model.provider : undefined;
}

type Model = Record<string | symbol, unknown>;
type GenerateResult = Record<string, unknown>;
type StreamResult = { stream: ReadableStream<StreamPart> } & Record<string, unknown>;

/**
 * Wraps an AI SDK language model (the object given to Mastra as `model`) so that every request
 * Mastra sends through it — each retry attempt included — is reported with its timing, first
 * token, usage and error. The original's results and errors pass through untouched.
 *
 * The wrapper is an object whose prototype is the original model, with its own `doGenerate` and
 * `doStream`: every other property (`modelId`, `provider`, `specificationVersion`,
 * `supportedUrls`, getters included) is read from the original through the prototype chain, which
 * the engine's inline caches make as cheap as a read of the model itself. A `Proxy` did the same
 * through a `get` trap on each read: Mastra reads the model ~20 times per model call, ~9 k
 * instructions per model call under callgrind (2026-12-07). The original methods run with the
 * original model as `this` (the wrapper holds none of its state, private fields included).
 */
export function observeModel<T>(model: T): T {
  if (!isObservableModel(model) || model[OBSERVED] === true) return model;
  const target = model;
  const doGenerate = target.doGenerate as (options: unknown) => Promise<GenerateResult>;
  const doStream = target.doStream as (options: unknown) => Promise<StreamResult>;
  const observed: Model = Object.create(target);
  const self = (receiver: unknown): unknown =>
    receiver === observed || receiver === undefined || receiver === null ? target : receiver;
  function observedGenerate(this: unknown, options: unknown): Promise<GenerateResult> {
    const receiver = self(this);
    return generateObserved(target, () => doGenerate.call(receiver, options));
  }
  function observedStream(this: unknown, options: unknown): Promise<StreamResult> {
    const receiver = self(this);
    return streamObserved(target, () => doStream.call(receiver, options));
  }
  Object.defineProperty(observed, 'doGenerate', {
    value: observedGenerate,
    writable: true,
    configurable: true,
  });
  Object.defineProperty(observed, 'doStream', { value: observedStream, writable: true, configurable: true });
  Object.defineProperty(observed, OBSERVED, { value: true });
  return observed as T;
}

// The observers below run on every model request: one attempt object literal per request, with
// the fields the request did not have left `undefined` (the recorder takes them as absent), and
// no helper objects, closures or spreads around it (each costs a call or an allocation per request).

/** One `doGenerate` request, reported to the sink of its run (if any) once it settles. */
async function generateObserved(target: Model, call: () => Promise<GenerateResult>): Promise<GenerateResult> {
  const sink = resolvers.length === 0 ? undefined : resolveSink();
  if (!sink) return call();
  const readsUsage = resolvedSinkReadsUsage;
  const startedAt = now();
  observeHttpAttempts();
  const log = new AttemptLog();
  let result: GenerateResult;
  try {
    result = await runInAttemptScope(log, call);
  } catch (error) {
    report(sink, target, startedAt, log, false, undefined, undefined, error);
    throw error;
  }
  let model: string | undefined;
  let usage: Usage | undefined;
  try {
    const response = result.response as { modelId?: unknown } | undefined;
    if (typeof response?.modelId === 'string') model = response.modelId;
    if (readsUsage) usage = fromAiSdkProviderUsage(result.usage);
  } catch {
    // a response that cannot be read is not reported; the result passes through untouched
    log.close();
    return result;
  }
  report(sink, target, startedAt, log, false, model, usage, undefined);
  return result;
}

/** Closes the request's attempt log and reports the attempt (never throws into the model call); @internal exported for kept-shapes.ts. */
export function report(
  sink: AttemptSink,
  target: Model,
  startedAt: number,
  attempts: AttemptLog,
  streamed: boolean,
  responseModel: string | undefined,
  usage: Usage | undefined,
  error: unknown,
): void {
  const endedAt = now();
  attempts.close();
  try {
    sink({
      startedAt,
      endedAt,
      streamed,
      attempts,
      model: responseModel ?? modelId(target),
      provider: providerName(target),
      usage,
      error,
    });
  } catch {
    // the sink reports its own faults; a model whose ids cannot be read goes unreported
  }
}

/** One `doStream` request: a failed request is reported at once, a stream when it ends. */
async function streamObserved(target: Model, call: () => Promise<StreamResult>): Promise<StreamResult> {
  const sink = resolvers.length === 0 ? undefined : resolveSink();
  if (!sink) return call();
  const startedAt = now();
  observeHttpAttempts();
  const log = new AttemptLog();
  let result: StreamResult;
  try {
    result = await runInAttemptScope(log, call);
  } catch (error) {
    report(sink, target, startedAt, log, true, undefined, undefined, error);
    throw error;
  }
  // the request was made; what the stream's consumer does later is not this call's
  log.close();
  const attempt = new StreamAttempt(sink, {
    startedAt,
    attempts: log,
    model: modelId(target),
    provider: providerName(target),
  });
  return { ...result, stream: attempt.observe(result.stream) };
}

/**
 * Wraps every model a Mastra `model` setting can hold: a model object, a function returning one
 * (dynamic models), or a fallback list (`[{ model, maxRetries }]`). Router ids (`'openai/gpt-4o'`)
 * are resolved by Mastra itself and are left as they are.
 */
export function observeModelConfig(config: unknown): unknown {
  if (isObservableModel(config)) return observeModel(config);
  if (Array.isArray(config)) {
    return config.map((entry) =>
      typeof entry === 'object' && entry !== null && 'model' in entry
        ? { ...entry, model: observeModelConfig((entry as { model: unknown }).model) }
        : entry,
    );
  }
  if (typeof config === 'function') {
    const original = config as (...args: unknown[]) => unknown;
    if ((original as unknown as Record<symbol, unknown>)[OBSERVED] === true) return original;
    const wrapped = function (this: unknown, ...args: unknown[]) {
      const value = original.apply(this, args);
      if (value instanceof Promise) return value.then((v) => observeModelConfig(v));
      return observeModelConfig(value);
    };
    Object.defineProperty(wrapped, OBSERVED, { value: true });
    return wrapped;
  }
  return config;
}
