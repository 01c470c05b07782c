import { ToolMessage } from '@langchain/core/messages';
import { AsyncLocalStorageProviderSingleton } from '@langchain/core/singletons';
import { InvocationRecorder, type Metrics, fromLangChainUsageMetadata, guard, now } from '@metrics/core';
import { AttemptLog, attemptFetch, runInAttemptScope } from '@metrics/core/adapter';
import { type AgentMiddleware, createMiddleware } from 'langchain';
import { correctAnthropicStreamedUsage, isAffectedVersion } from './anthropic-fix.js';
import { type FirstTokenTarget, attachFirstTokenTimer } from './first-token-timer.js';
import { MetricsCallbackHandler, ToolMessageError } from './handler.js';
import { asToolMessage, detectToolType, get, guardrailName, isToolLimitMessage } from './langchain-shapes.js';
import { MIDDLEWARE_NAME } from './middleware-name.js';
import { type LangChainMetricsOptions, SOURCE, toMetrics } from './options.js';

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

/** The metrics middleware: a `createAgent` middleware plus the opt-in fetch and `flush()`. */
export interface MetricsMiddleware extends AgentMiddleware {
  /**
   * @deprecated Not needed: every HTTP attempt of a model call is seen without it (through Node's
   * diagnostics channels). Returns `base` (or the global `fetch`) unchanged where those exist.
   */
  fetch(base?: typeof globalThis.fetch): typeof globalThis.fetch;
  /** The `Metrics` instance (exporters, diagnostics, `flush()`). */
  readonly metrics: Metrics;
  /** Ends the runs still open (a run that failed outside a model call, or was interrupted) and flushes. */
  flush(): Promise<void>;
}

interface OpenRun {
  key: object;
  recorder: InvocationRecorder;
  /** Sub-graph depth the run started at: a sub-agent's final answer does not end its parent. */
  depth: number;
  /** Tool call ids this middleware saw (wrapToolCall) or already accounted for. */
  seenToolCalls: Set<string>;
}

interface Scope {
  key: object;
  depth: number;
  config: unknown;
}

/**
 * The invocation the current graph step belongs to: LangGraph keeps one external abort signal
 * per `invoke`/`stream` call and hands it to every step (and to sub-graphs) of that call.
 */
function currentScope(): Scope | undefined {
  const config = AsyncLocalStorageProviderSingleton.getRunnableConfig();
  const configurable = get(config, 'configurable');
  const key = get(get(configurable, '__pregel_abort_signals'), 'externalAbortSignal');
  if (typeof key !== 'object' || key === null) return undefined;
  const ns = get(configurable, 'checkpoint_ns');
  let depth = 0;
  if (typeof ns === 'string') for (let i = ns.indexOf('|'); i !== -1; i = ns.indexOf('|', i + 1)) depth++;
  return { key, depth, config };
}

/** The message `createAgent`'s ToolNode gives the model for a failed tool (`defaultHandleToolErrors`). */
function toolErrorContent(error: unknown): string {
  if (get(error, 'name') === 'ToolInvocationError') return String(get(error, 'message'));
  return `${error}\n Please fix your mistakes.`;
}

function readModel(message: unknown, request: unknown): string | undefined {
  const metadata = get(message, 'response_metadata');
  const fromResponse = get(metadata, 'model_name') ?? get(metadata, 'model');
  if (typeof fromResponse === 'string' && fromResponse) return fromResponse;
  const model = get(request, 'model');
  const configured = get(model, 'model') ?? get(model, 'modelName');
  return typeof configured === 'string' && configured ? configured : undefined;
}

/**
 * The AI message of a model response: the message itself, or the one inside the
 * `{ structuredResponse, messages }` result of a structured-output (tool strategy) answer.
 */
function aiMessageOf(response: unknown): unknown {
  if (get(response, 'usage_metadata') !== undefined || get(response, 'tool_calls') !== undefined)
    return response;
  const messages = get(response, 'messages');
  if (Array.isArray(messages))
    for (const message of messages) if (get(message, 'type') === 'ai') return message;
  return response;
}

/** A final answer: no tool call that the agent's tool node would run (structured output calls do not count). */
function isFinalAnswer(response: unknown, request: unknown): boolean {
  const calls = get(response, 'tool_calls');
  if (!Array.isArray(calls) || calls.length === 0) return true;
  // With structured output (tool strategy), the answer is a call to the response-format tool,
  // which is not one of the agent's tools; without it, an unknown tool is a failed call.
  if (get(request, 'responseFormat') === undefined) return false;
  const tools = get(request, 'tools');
  if (!Array.isArray(tools)) return false;
  for (const call of calls) {
    const name = get(call, 'name');
    for (const tool of tools) if (get(tool, 'name') === name) return false;
  }
  return true;
}

/**
 * Error `ToolMessage`s answering the last tool-calling AI message that no `wrapToolCall` saw:
 * the ones `toolCallLimitMiddleware` injects for blocked calls (guardrail hits), or failures
 * produced before the tool node. Walks back from the end of the conversation, bounded.
 */
function accountUnseenToolMessages(run: OpenRun, messages: unknown): void {
  if (!Array.isArray(messages)) return;
  for (let i = messages.length - 1, n = 0; i >= 0 && n < 64; i--, n++) {
    const message = messages[i];
    const toolMessage = asToolMessage(message);
    if (!toolMessage) {
      if (get(message, 'type') === 'human') return;
      const calls = get(message, 'tool_calls');
      if (Array.isArray(calls) && calls.length > 0) return;
      continue;
    }
    if (toolMessage.status !== 'error' || toolMessage.toolCallId === undefined) continue;
    if (run.seenToolCalls.has(toolMessage.toolCallId)) continue;
    run.seenToolCalls.add(toolMessage.toolCallId);
    if (isToolLimitMessage(toolMessage))
      run.recorder.recordGuardrailTrip({ name: 'ToolCallLimitExceeded', kind: 'tool-call-limit' });
    else
      run.recorder.recordToolCall({
        name: toolMessage.name ?? 'unknown',
        callId: toolMessage.toolCallId,
        outcome: 'failure',
        error: new ToolMessageError('the tool call failed before the tool ran'),
      });
  }
}

/** A metrics callback handler on the same run defers to this middleware (the run is counted once). */
function claimFromHandlers(config: unknown): void {
  const manager = get(config, 'callbacks');
  const handlers = get(manager, 'handlers');
  if (!Array.isArray(handlers)) return;
  for (const handler of handlers)
    if (handler instanceof MetricsCallbackHandler) handler.deferRun(get(manager, '_parentRunId'));
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
  const opts = options as MetricsMiddlewareOptions;
  const maxOpenRuns = Math.max(1, opts.maxOpenRuns ?? 1000);
  const fixAnthropic = opts.correctAnthropicStreamedUsage !== false;
  const exact = opts.exactBoundaries === true;
  const open = new Map<object, OpenRun>();
  const { diagnostics } = metrics;
  const { sessionId, toolTypes } = metrics.options;
  const hooks = {
    onEnd: (record: Parameters<Metrics['export']>[0]) => metrics.export(record),
    diagnostics,
    toolTypes,
  };

  /** Invocations already ended: later events of theirs are ignored, not recorded as a new run. */
  const finished = new WeakSet<object>();

  const finish = (run: OpenRun, error?: unknown): void => {
    if (open.get(run.key) !== run) return;
    open.delete(run.key);
    finished.add(run.key);
    if (error === undefined) {
      run.recorder.end();
      return;
    }
    const guardrail = guardrailName(error);
    if (guardrail) run.recorder.recordGuardrailTrip({ name: guardrail, kind: 'middleware' });
    run.recorder.end({ error, countError: guardrail === undefined });
  };

  const runFor = (scope: Scope): OpenRun | undefined => {
    const existing = open.get(scope.key);
    if (existing) return existing;
    if (finished.has(scope.key)) {
      diagnostics.emit({
        type: 'recorder.late-event',
        level: 'debug',
        source: SOURCE,
        message: 'a model or tool call arrived after the run ended (final answer) and was ignored',
      });
      return undefined;
    }
    const run: OpenRun = {
      key: scope.key,
      depth: scope.depth,
      seenToolCalls: new Set(),
      recorder: new InvocationRecorder(
        { providerType: 'LANGCHAIN', ...(sessionId !== undefined ? { sessionId } : {}) },
        hooks,
      ),
    };
    open.set(scope.key, run);
    if (open.size > maxOpenRuns) {
      const oldest = open.values().next().value;
      if (oldest) {
        diagnostics.emit({
          type: 'langchain.run-evicted',
          level: 'warn',
          source: SOURCE,
          message: `more than ${maxOpenRuns} agent runs were open; the oldest was ended without its end`,
        });
        finish(oldest);
      }
    }
    return run;
  };

  const scopeOrWarn = (): Scope | undefined => {
    const scope = currentScope();
    if (!scope) {
      diagnostics.emitOnce({
        type: 'langchain.no-run-scope',
        level: 'warn',
        source: SOURCE,
        message:
          'the metrics middleware runs outside a LangGraph invocation it can identify; nothing is recorded',
      });
    }
    return scope;
  };

  const middleware = createMiddleware({
    name: MIDDLEWARE_NAME,
    ...(exact
      ? {
          beforeAgent: () => {
            guard(diagnostics, SOURCE, () => {
              const scope = scopeOrWarn();
              if (scope) runFor(scope);
            });
            return undefined;
          },
          afterAgent: (state: unknown) => {
            guard(diagnostics, SOURCE, () => {
              const scope = currentScope();
              const run = scope && open.get(scope.key);
              if (!run || run.depth !== scope.depth) return;
              accountUnseenToolMessages(run, get(state, 'messages'));
              finish(run);
            });
            return undefined;
          },
        }
      : {}),
    wrapModelCall: async (request, handler) => {
      const target: FirstTokenTarget = {};
      const found = guard(diagnostics, SOURCE, () => {
        const scope = scopeOrWarn();
        if (!scope) return undefined;
        const run = runFor(scope);
        if (!run) return undefined;
        accountUnseenToolMessages(run, get(request, 'messages'));
        claimFromHandlers(scope.config);
        return { run, scope, detach: attachFirstTokenTimer(target, scope.config) };
      });
      if (!found) return handler(request);
      const { run, scope, detach } = found;
      const startedAt = now();
      // every HTTP request the model makes from here (LangChain's and the client's retries) is an attempt
      const attempts = new AttemptLog();
      let response: Awaited<ReturnType<typeof handler>>;
      try {
        response = await runInAttemptScope(attempts, () => handler(request));
      } catch (error) {
        attempts.close();
        guard(diagnostics, SOURCE, () => {
          detach?.();
          const model = readModel(undefined, request);
          run.recorder.recordModelCall({
            startedAt,
            endedAt: now(),
            attempts,
            ...(model !== undefined ? { model } : {}),
            error,
          });
          // The model's error ends the run (this middleware sits outside retry/fallback ones).
          if (scope.depth === run.depth) finish(run, error);
        });
        throw error;
      }
      attempts.close();
      guard(diagnostics, SOURCE, () => {
        detach?.();
        const message = aiMessageOf(response);
        let usage = fromLangChainUsageMetadata(get(message, 'usage_metadata'));
        if (fixAnthropic && target.streamed === true) {
          const version = get(get(get(request.model, 'metadata'), 'versions'), '@langchain/anthropic');
          if (typeof version === 'string' && isAffectedVersion(version))
            usage = correctAnthropicStreamedUsage(usage);
        }
        const model = readModel(message, request);
        run.recorder.recordModelCall({
          startedAt,
          endedAt: now(),
          attempts,
          streamed: target.streamed === true,
          ...(target.firstTokenAt !== undefined ? { firstTokenAt: target.firstTokenAt } : {}),
          ...(model !== undefined ? { model } : {}),
          ...(usage ? { usage } : {}),
        });
        if (!exact && scope.depth === run.depth && isFinalAnswer(response, request)) finish(run);
      });
      return response;
    },
    wrapToolCall: async (request, handler) => {
      const call = guard(diagnostics, SOURCE, () => {
        const scope = scopeOrWarn();
        if (!scope) return undefined;
        const run = runFor(scope);
        if (!run) return undefined;
        const id = request.toolCall.id;
        if (id) run.seenToolCalls.add(id);
        return run.recorder.startToolCall({
          name: request.toolCall.name,
          type: detectToolType(get(request.tool, 'metadata')),
          ...(id ? { callId: id } : {}),
        });
      });
      try {
        const result = await handler(request);
        if (call) {
          if (asToolMessage(result)?.status === 'error')
            guard(diagnostics, SOURCE, () =>
              call.fail(new ToolMessageError('the tool returned an error ToolMessage')),
            );
          else call.end();
        }
        return result;
      } catch (error) {
        if (call) guard(diagnostics, SOURCE, () => call.fail(error));
        // Never rethrow: with any `wrapToolCall` in place, createAgent would fail the whole run.
        return new ToolMessage({
          content: toolErrorContent(error),
          tool_call_id: request.toolCall.id ?? '',
          name: request.toolCall.name,
          status: 'error',
        });
      }
    },
  });

  return Object.assign(middleware as AgentMiddleware, {
    fetch: (base?: typeof globalThis.fetch) => attemptFetch(base),
    metrics,
    flush: async () => {
      for (const run of [...open.values()]) finish(run);
      await metrics.flush();
    },
  });
}
