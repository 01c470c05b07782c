import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { type Loose, get } from './langchain-shapes.js';

/** The `invoke`/`stream` call the current graph step belongs to. */
export interface Scope {
  /** One object per `invoke`/`stream` call, shared by its steps and sub-graphs. */
  key: object;
  /** Sub-graph depth of the current step: a sub-agent's final answer does not end its parent. */
  depth: number;
  /** The step's runnable config (its callback manager). */
  config: unknown;
}

/**
 * The invocation the current graph step belongs to.
 *
 * The one read of LangGraph internals in this package, because LangGraph has no public API for it:
 * `Runtime.signal` and `config.signal` are combined anew for every step, `executionInfo.runId` is
 * only set when the caller passes a `runId`, and `thread_id` is shared by every call on a thread.
 * LangGraph keeps one external abort signal per `invoke`/`stream` call and hands it to every step
 * (and to sub-graphs) of that call: `configurable.__pregel_abort_signals.externalAbortSignal`
 * (`CONFIG_KEY_ABORT_SIGNALS`). Present in `@langchain/langgraph` 1.0 to 1.7.3 (checked on 1.7.3,
 * `langgraph-scope.test.ts`). When it is missing this returns `undefined` and the middleware
 * records nothing, with a `langchain.no-run-scope` warning: never a wrong record.
 */
export function currentScope(): Scope | undefined {
  const config = AsyncLocalStorageProviderSingleton.getRunnableConfig();
  let key: unknown;
  let ns: unknown;
  try {
    const configurable = (config as Loose)?.configurable;
    key = configurable?.__pregel_abort_signals?.externalAbortSignal;
    ns = configurable?.checkpoint_ns;
  } catch {
    const configurable = get(config, 'configurable');
    key = get(get(configurable, '__pregel_abort_signals'), 'externalAbortSignal');
    ns = get(configurable, 'checkpoint_ns');
  }
  if (typeof key !== 'object' || key === null) return undefined;
  let depth = 0;
  if (typeof ns === 'string') for (let i = ns.indexOf('|'); i !== -1; i = ns.indexOf('|', i + 1)) depth++;
  return { key, depth, config };
}
