import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { type AttemptLog, addAttemptLogResolver, removeAt } from '@metrics/core/adapter';
import { get } from './langchain-shapes.js';

/** A handler that can name the model call an HTTP request belongs to. */
export interface AttemptSource {
  /** The attempt log of the open model run under `parentRunId` (LangChain's current parent run). */
  attemptsUnder(parentRunId: unknown): AttemptLog | undefined;
}

/**
 * Handlers with a model call open: the resolver asks these, so its work is bounded by the calls in
 * flight. A short list, not a `Set`: sequential model calls take it from empty to one handler and
 * back on every call, and V8 rebuilds an emptied `Set`'s table each time.
 */
const sources: AttemptSource[] = [];
let removeResolver: (() => void) | undefined;

/**
 * LangChain reports a model call through callbacks only, so no scope wraps the provider client's
 * requests. LangChain's own async-local config does: inside a chat model's request, its callback
 * manager's parent run is the parent of the model run that `handleChatModelStart` saw.
 */
function resolveAttempts(): AttemptLog | undefined {
  if (sources.length === 0) {
    // no model call open: the resolver leaves now, on a request that is not a model call, rather
    // than when every call ends (sequential calls would register and remove it on each call)
    removeResolver?.();
    removeResolver = undefined;
    return undefined;
  }
  const config = AsyncLocalStorageProviderSingleton.getRunnableConfig();
  const parentRunId = get(get(config, 'callbacks'), '_parentRunId');
  for (const source of sources) {
    const log = source.attemptsUnder(parentRunId);
    if (log) return log;
  }
  return undefined;
}

/** `source` has a model call open: ask it from now on. */
export function watchAttempts(source: AttemptSource): void {
  sources.push(source);
  removeResolver ??= addAttemptLogResolver(resolveAttempts);
}

/** `source` has no model call open any more (the resolver itself leaves at the next request without one). */
export function unwatchAttempts(source: AttemptSource): void {
  const i = sources.lastIndexOf(source);
  if (i >= 0) removeAt(sources, i);
}
