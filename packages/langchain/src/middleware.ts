import type { Metrics } from '@metrics/core';
import { adapterOptions, attemptFetch, toMetrics } from '@metrics/core/adapter';
import { type AgentMiddleware, createMiddleware } from 'langchain';
import { AgentRuns } from './agent-runs.js';
import { MetricsMiddlewareHooks } from './middleware-hooks.js';
import { MIDDLEWARE_NAME } from './middleware-name.js';
import type { LangChainMetricsOptions } from './options.js';

export interface MetricsMiddlewareOptions extends LangChainMetricsOptions {
  /**
   * Also hook `beforeAgent`/`afterAgent`, so a run starts at its very beginning and ends at its
   * very end, whatever happens in between (a guardrail middleware's error before any model call,
   * an `afterModel` jump back to the model). Each hook is a graph node: this roughly triples the
   * middleware's overhead. Default `false`: a run starts at its first model call and ends with
   * its final answer (a model response without tool calls) or its model error.
   */
  exactBoundaries?: boolean;
}

/** The metrics middleware: a `createAgent` middleware plus `metrics`, `flush()` and `shutdown()`. */
export interface MetricsMiddleware extends AgentMiddleware {
  /**
   * @deprecated Not needed: every HTTP attempt of a model call is seen without it (through Node's
   * diagnostics channels). Returns `base` (or the global `fetch`) unchanged where those exist.
   */
  fetch(base?: typeof globalThis.fetch): typeof globalThis.fetch;
  /** The `Metrics` instance (exporters, diagnostics). */
  readonly metrics: Metrics;
  /** Ends the runs still open (a run that failed outside a model call, or was interrupted) and flushes. */
  flush(): Promise<void>;
  /** Ends the runs still open, then flushes and shuts the exporters down. */
  shutdown(): Promise<void>;
}

/**
 * A `createAgent` middleware that records one invocation per `invoke`/`stream`: model calls
 * (`wrapModelCall`: latency without tools, usage from the returned message), tool calls
 * (`wrapToolCall`: every call, including unknown tools and invalid arguments) and guardrail
 * trips. It never turns a tool error into a failed run: like `createAgent`'s own ToolNode, it
 * returns an error `ToolMessage`. It does not switch on LangChain's callback system and adds no
 * graph node, which makes it several times cheaper than any callback handler. Put it first in
 * `middleware: [...]` (outside retry and fallback middlewares).
 */
export function createMetricsMiddleware(options: MetricsMiddlewareOptions | Metrics = {}): MetricsMiddleware {
  const metrics = toMetrics(options);
  const opts = adapterOptions<MetricsMiddlewareOptions>(options);
  const runs = new AgentRuns(metrics, opts);
  const exactBoundaries = opts.exactBoundaries === true;
  const hooks = new MetricsMiddlewareHooks(metrics, runs, {
    fixAnthropic: opts.correctAnthropicStreamedUsage !== false,
    exactBoundaries,
  });
  const middleware = createMiddleware({
    name: MIDDLEWARE_NAME,
    ...(exactBoundaries
      ? { beforeAgent: () => hooks.beforeAgent(), afterAgent: (state: unknown) => hooks.afterAgent(state) }
      : {}),
    wrapModelCall: (request, handler) => hooks.wrapModelCall(request, handler),
    wrapToolCall: (request, handler) => hooks.wrapToolCall(request, handler),
  });
  return Object.assign(middleware as AgentMiddleware, {
    fetch: (base?: typeof globalThis.fetch) => attemptFetch(base),
    metrics,
    flush: async () => {
      runs.finishAll();
      await metrics.flush();
    },
    shutdown: async () => {
      runs.finishAll();
      await metrics.shutdown();
    },
  });
}
