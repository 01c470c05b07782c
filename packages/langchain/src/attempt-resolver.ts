import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { type AttemptLog, addAttemptLogResolver } from '@metrics/core/adapter';
import { get } from './langchain-shapes.js';

/** A handler that can name the model call an HTTP request belongs to. */
export interface AttemptSource {
  /** The attempt log of the open model run under `parentRunId` (LangChain's current parent run). */
  attemptsUnder(parentRunId: unknown): AttemptLog | undefined;
}

/** Handlers with a model call open: the resolver asks these, so its work is bounded by the calls in flight. */
const sources = new Set<AttemptSource>();
let removeResolver: (() => void) | undefined;

/**
 * LangChain reports a model call through callbacks only, so no scope wraps the provider client's
 * requests. LangChain's own async-local config does: inside a chat model's request, its callback
 * manager's parent run is the parent of the model run that `handleChatModelStart` saw.
 */
function resolveAttempts(): AttemptLog | undefined {
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
  sources.add(source);
  removeResolver ??= addAttemptLogResolver(resolveAttempts);
}

/** `source` has no model call open any more. */
export function unwatchAttempts(source: AttemptSource): void {
  sources.delete(source);
  if (sources.size > 0 || !removeResolver) return;
  removeResolver();
  removeResolver = undefined;
}
