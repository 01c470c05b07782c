import { randomUUID } from 'node:crypto';
import { ToolMessage } from '@langchain/core/messages';
import { InvocationRecorder, type Metrics, fromLangChainUsageMetadata, guard, now } from '@metrics/core';
import { type AgentMiddleware, createMiddleware } from 'langchain';
import { z } from 'zod';
import { correctAnthropicStreamedUsage, isAffectedVersion } from './anthropic-fix.js';
import { type AttemptTarget, createAttemptFetch, middlewareCallContext } from './attempt-fetch.js';
import { type FirstTokenTarget, attachFirstTokenTimer } from './first-token-timer.js';
import { ToolMessageError } from './handler.js';
import { asToolMessage, detectToolType, get, guardrailName, isToolLimitMessage } from './langchain-shapes.js';
import { MIDDLEWARE_NAME } from './middleware-name.js';
import { type LangChainMetricsOptions, SOURCE, toMetrics } from './options.js';

const STATE_KEY = '_agentMetricsRunId';

interface OpenRun {
  recorder: InvocationRecorder;
  /** Tool call ids this middleware saw (wrapToolCall) or already accounted for. */
  seenToolCalls: Set<string>;
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

/** The metrics middleware: a `createAgent` middleware plus the opt-in fetch and `flush()`. */
export interface MetricsMiddleware extends AgentMiddleware {
  /** Opt-in: a `fetch` for the provider client that sees every HTTP attempt (retried 429s included). */
  fetch(base?: typeof globalThis.fetch): typeof globalThis.fetch;
  /** The `Metrics` instance (exporters, diagnostics, `flush()`). */
  readonly metrics: Metrics;
  /** Ends runs still open (a run that failed outside a model call, or was interrupted) and flushes. */
  flush(): Promise<void>;
}

/**
 * A `createAgent` middleware that records one invocation per `invoke`/`stream`: model calls
 * (`wrapModelCall`: latency without tools, usage from the returned message), tool calls
 * (`wrapToolCall`: every call, including unknown tools and invalid arguments) and guardrail
 * trips. It never turns a tool error into a failed run: like `createAgent`'s own ToolNode, it
 * returns an error `ToolMessage`. About a fifth of the overhead of any callback handler, because
 * it does not switch on LangChain's callback system. Put it first in `middleware: [...]`.
 */
export function createMetricsMiddleware(options: LangChainMetricsOptions | Metrics = {}): MetricsMiddleware {
  const metrics = toMetrics(options);
  const maxOpenRuns = Math.max(1, (options as LangChainMetricsOptions).maxOpenRuns ?? 1000);
  const open = new Map<string, OpenRun>();
  const { diagnostics } = metrics;
  const fixAnthropic = (options as LangChainMetricsOptions).correctAnthropicStreamedUsage !== false;

  const start = (): string => {
    const runId = randomUUID();
    const { sessionId, toolTypes } = metrics.options;
    const recorder = new InvocationRecorder(
      { providerType: 'LANGCHAIN', runId, ...(sessionId !== undefined ? { sessionId } : {}) },
      { onEnd: (record) => metrics.export(record), diagnostics, ...(toolTypes ? { toolTypes } : {}) },
    );
    open.set(runId, { recorder, seenToolCalls: new Set() });
    if (open.size > maxOpenRuns) {
      const [oldest] = open.keys();
      if (oldest !== undefined) {
        diagnostics.emit({
          type: 'langchain.run-evicted',
          level: 'warn',
          source: SOURCE,
          message: `more than ${maxOpenRuns} agent runs were open; the oldest was ended without its end`,
        });
        finish(oldest);
      }
    }
    return runId;
  };

  const finish = (runId: unknown, error?: unknown): void => {
    if (typeof runId !== 'string') return;
    const run = open.get(runId);
    if (!run) return;
    open.delete(runId);
    if (error === undefined) {
      run.recorder.end();
      return;
    }
    const guardrail = guardrailName(error);
    if (guardrail) run.recorder.recordGuardrailTrip({ name: guardrail, kind: 'middleware' });
    run.recorder.end({ error, countError: guardrail === undefined });
  };

  const lookup = (state: unknown): OpenRun | undefined => {
    const id = get(state, STATE_KEY);
    return typeof id === 'string' ? open.get(id) : undefined;
  };

  const middleware = createMiddleware({
    name: MIDDLEWARE_NAME,
    stateSchema: z.object({ [STATE_KEY]: z.string().optional() }),
    beforeAgent: () => {
      const runId = guard(diagnostics, SOURCE, start);
      return runId === undefined ? undefined : { [STATE_KEY]: runId };
    },
    afterAgent: (state) => {
      guard(diagnostics, SOURCE, () => {
        const run = lookup(state);
        if (run) accountUnseenToolMessages(run, get(state, 'messages'));
        finish(get(state, STATE_KEY));
      });
      return undefined;
    },
    wrapModelCall: async (request, handler) => {
      const run = guard(diagnostics, SOURCE, () => {
        const found = lookup(request.state);
        if (found) accountUnseenToolMessages(found, get(request, 'messages'));
        return found;
      });
      if (!run) return handler(request);
      const target: AttemptTarget & FirstTokenTarget = {};
      const startedAt = now();
      const detach = guard(diagnostics, SOURCE, () => attachFirstTokenTimer(target));
      const recordAttempts = (count: number) => {
        const failed = target.attempts?.failed ?? [];
        for (let i = 0; i < count; i++) {
          const attempt = failed[i];
          if (attempt)
            run.recorder.recordModelCall({
              startedAt: attempt.startedAt,
              endedAt: attempt.endedAt,
              attempt: i + 1,
              error: attempt.error,
            });
        }
        return count + 1;
      };
      let response: Awaited<ReturnType<typeof handler>>;
      try {
        response = await middlewareCallContext.run(target, () => handler(request));
      } catch (error) {
        guard(diagnostics, SOURCE, () => detach?.());
        guard(diagnostics, SOURCE, () => {
          const failed = target.attempts?.failed ?? [];
          const last = failed[failed.length - 1];
          const lastIsThis = last !== undefined && target.attempts?.lastFailed === true;
          const attempt = recordAttempts(lastIsThis ? failed.length - 1 : failed.length);
          const model = readModel(undefined, request);
          run.recorder.recordModelCall({
            startedAt: lastIsThis
              ? last.startedAt
              : target.attempts
                ? target.attempts.lastStartedAt
                : startedAt,
            endedAt: now(),
            attempt,
            ...(model !== undefined ? { model } : {}),
            error,
          });
          // The model's error ends the run (put this middleware first, outside retry/fallback ones).
          finish(get(request.state, STATE_KEY), error);
        });
        throw error;
      }
      guard(diagnostics, SOURCE, () => detach?.());
      guard(diagnostics, SOURCE, () => {
        const attempt = recordAttempts(target.attempts?.failed.length ?? 0);
        let usage = fromLangChainUsageMetadata(get(response, 'usage_metadata'));
        if (fixAnthropic && target.streamed === true) {
          const version = get(get(get(request.model, 'metadata'), 'versions'), '@langchain/anthropic');
          if (typeof version === 'string' && isAffectedVersion(version))
            usage = correctAnthropicStreamedUsage(usage);
        }
        const model = readModel(response, request);
        run.recorder.recordModelCall({
          startedAt: target.attempts && attempt > 1 ? target.attempts.lastStartedAt : startedAt,
          endedAt: now(),
          attempt,
          streamed: target.streamed === true,
          ...(target.firstTokenAt !== undefined ? { firstTokenAt: target.firstTokenAt } : {}),
          ...(model !== undefined ? { model } : {}),
          ...(usage ? { usage } : {}),
        });
      });
      return response;
    },
    wrapToolCall: async (request, handler) => {
      const run = guard(diagnostics, SOURCE, () => lookup(request.state));
      if (run && request.toolCall.id) run.seenToolCalls.add(request.toolCall.id);
      const call = run
        ? guard(diagnostics, SOURCE, () =>
            run.recorder.startToolCall({
              name: request.toolCall.name,
              type: detectToolType(get(request.tool, 'metadata')),
              ...(request.toolCall.id ? { callId: request.toolCall.id } : {}),
            }),
          )
        : undefined;
      try {
        const result = await handler(request);
        guard(diagnostics, SOURCE, () => {
          if (asToolMessage(result)?.status === 'error')
            call?.fail(new ToolMessageError('the tool returned an error ToolMessage'));
          else call?.end();
        });
        return result;
      } catch (error) {
        guard(diagnostics, SOURCE, () => call?.fail(error));
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
    fetch: (base?: typeof globalThis.fetch) => createAttemptFetch(() => undefined, diagnostics, base),
    metrics,
    flush: async () => {
      for (const id of [...open.keys()]) finish(id);
      await metrics.flush();
    },
  });
}
