import { CallbackManager } from '@langchain/core/callbacks/manager';
import type { MetricsCallbackHandler } from './handler.js';

type Configure = typeof CallbackManager._configureSync;

let globalHandler: MetricsCallbackHandler | undefined;
let originalConfigure: Configure | undefined;

/** Adds the global handler to the callback manager LangChain configured for a run (or makes one). */
function withGlobalHandler(manager: CallbackManager | undefined): CallbackManager | undefined {
  const handler = globalHandler;
  if (!handler) return manager;
  try {
    const configured = manager ?? new CallbackManager();
    if (!configured.handlers.some((h) => h.name === handler.name)) configured.addHandler(handler, true);
    return configured;
  } catch {
    return manager;
  }
}

/**
 * Adds the handler to every LangChain run started after this call, from any async context of the
 * process (call it once at startup; a later call replaces the handler). Returns the function that
 * takes it away again. A run that also gets the handler in its `callbacks` counts once.
 *
 * How: LangChain's own `registerConfigureHook` keeps its hooks in an async-context variable, so a
 * hook registered inside an awaited setup function never reaches runs started elsewhere. This
 * wraps `CallbackManager._configureSync` instead, the one place (in `@langchain/core` 1.x) where
 * every run's callbacks are configured, and puts the original back on unregister.
 */
export function registerGlobalHandler(handler: MetricsCallbackHandler): () => void {
  globalHandler = handler;
  if (!originalConfigure) {
    const original = CallbackManager._configureSync;
    originalConfigure = original;
    CallbackManager._configureSync = function configureWithMetrics(this: typeof CallbackManager, ...args) {
      return withGlobalHandler(original.apply(this, args));
    } as Configure;
  }
  return () => {
    if (globalHandler !== handler) return;
    globalHandler = undefined;
    if (originalConfigure) CallbackManager._configureSync = originalConfigure;
    originalConfigure = undefined;
  };
}
