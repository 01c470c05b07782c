import { AsyncLocalStorage } from 'node:async_hooks';
import { processSingleton } from '../adapter/brand.js';
import type { AttemptLog } from './attempt-log.js';

/**
 * What the current async context is doing, as far as HTTP attempts go: a model call (its requests
 * are its attempts), a tool call or the library's own delivery (their requests are not model
 * calls). Model and tool calls of the recorder are scopes; so is `NOT_A_MODEL_CALL`.
 */
export interface AttemptScope {
  readonly ended: boolean;
  /** The log the scope's requests go to; `null` when they are not model attempts. */
  attemptLog(): AttemptLog | null;
}

/** Finds the model call of the current context for frameworks whose model calls are not scopes. */
export type AttemptLogResolver = () => AttemptLog | null | undefined;

// one per process, shared by every copy of the core: a request made under one copy's model call is
// that call's attempt whichever copy's subscriber sees it first
const scopes = processSingleton('attemptScopes', () => new AsyncLocalStorage<AttemptScope>());
const resolvers = processSingleton('attemptResolvers', () => new Set<AttemptLogResolver>());

/** The scope of requests that are never model attempts (the exporters' own deliveries). */
export const NOT_A_MODEL_CALL: AttemptScope = Object.freeze({ ended: false, attemptLog: () => null });

/**
 * Makes `scope` the current one for the rest of the caller's synchronous code and everything it
 * goes on to await (what `startModelCall` and `startToolCall` do, so the manual API needs no
 * callback). It stays until another scope is entered; an ended scope counts as none.
 */
export function enterAttemptScope(scope: AttemptScope): void {
  scopes.enterWith(scope);
}

/** Runs `fn` with `scope` as the current scope of everything it awaits. */
export function runInAttemptScope<T>(scope: AttemptScope, fn: () => T): T {
  return scopes.run(scope, fn);
}

/**
 * Lets an adapter name the model call of the current context when its framework reports model
 * calls through callbacks only (LangChain). Returns the function that removes the resolver.
 */
export function addAttemptLogResolver(resolver: AttemptLogResolver): () => void {
  resolvers.add(resolver);
  return () => {
    resolvers.delete(resolver);
  };
}

/**
 * The attempt log a request made now belongs to: the open scope's, else the first resolver's.
 * `undefined` when the request is not a model attempt. Resolvers that throw are skipped.
 */
export function currentAttemptLog(): AttemptLog | undefined {
  const scope = scopes.getStore();
  if (scope !== undefined && !scope.ended) return scope.attemptLog() ?? undefined;
  if (resolvers.size === 0) return undefined;
  for (const resolve of resolvers) {
    let log: AttemptLog | null | undefined;
    try {
      log = resolve();
    } catch {
      continue;
    }
    if (log === null) return undefined;
    if (log !== undefined) return log;
  }
  return undefined;
}
