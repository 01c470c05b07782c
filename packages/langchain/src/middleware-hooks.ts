import { ToolMessage } from '@langchain/core/messages';
import {
  type Metrics,
  type RecordedModelCall,
  type ToolCall,
  type ToolCallStart,
  fromLangChainUsageMetadata,
  guard,
  now,
} from '@metrics/core';
import { AttemptLog, enterAttemptScope } from '@metrics/core/adapter';
import type { AgentMiddleware } from 'langchain';
import { type AgentRun, type AgentRuns, claimFromHandlers } from './agent-runs.js';
import {
  accountUnseenToolMessages,
  aiMessageOf,
  isFinalAnswer,
  readModel,
  toolErrorContent,
} from './agent-shapes.js';
import { anthropicVersionOfModel, correctedUsage } from './anthropic-fix.js';
import { type FirstTokenTarget, attachFirstTokenTimer } from './first-token-timer.js';
import { type Loose, detectToolType, get } from './langchain-shapes.js';
import type { Scope } from './langgraph-scope.js';
import { SOURCE } from './options.js';
import { endToolCall } from './tool-messages.js';

type WrapModelCall = NonNullable<AgentMiddleware['wrapModelCall']>;
type WrapToolCall = NonNullable<AgentMiddleware['wrapToolCall']>;
type ModelRequest = Parameters<WrapModelCall>[0];
type ModelHandler = Parameters<WrapModelCall>[1];
type ToolRequest = Parameters<WrapToolCall>[0];
type ToolHandler = Parameters<WrapToolCall>[1];

/** One model call in flight: its run and scope, timing, attempts and first-token timer. */
interface ModelCallInFlight {
  run: AgentRun;
  scope: Scope;
  target: FirstTokenTarget;
  detach: (() => void) | undefined;
  startedAt: number;
  attempts: AttemptLog;
}

/** The middleware's hooks: which `createAgent` hook becomes which recorder call. */
export class MetricsMiddlewareHooks {
  constructor(
    private readonly metrics: Metrics,
    private readonly runs: AgentRuns,
    private readonly settings: { fixAnthropic: boolean; exactBoundaries: boolean },
  ) {}

  private guard<T>(fn: () => T): T | undefined {
    return guard(this.metrics.diagnostics, SOURCE, fn);
  }

  /** `beforeAgent` (exact boundaries): the run starts at the very beginning. */
  beforeAgent(): undefined {
    this.guard(() => {
      const scope = this.runs.scope();
      if (scope) this.runs.runFor(scope);
    });
    return undefined;
  }

  /** `afterAgent` (exact boundaries): the run ends at the very end. */
  afterAgent(state: unknown): undefined {
    this.guard(() => {
      const scope = this.runs.scope();
      const run = scope && this.runs.peek(scope);
      if (!run || run.depth !== scope.depth) return;
      accountUnseenToolMessages(run, get(state, 'messages'));
      this.runs.finish(run);
    });
    return undefined;
  }

  /** `wrapModelCall`: the model call's time, usage and HTTP attempts; a final answer or a model error ends the run. */
  // Each step catches its own faults in its body: a `guard` closure per step cost more than the
  // step (3 closures and 6 calls per model call).
  async wrapModelCall(
    request: ModelRequest,
    handler: ModelHandler,
  ): Promise<Awaited<ReturnType<ModelHandler>>> {
    let call: ModelCallInFlight | undefined;
    try {
      call = this.startModelCall(request);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    if (!call) return handler(request);
    // Every HTTP request the model makes from here (LangChain's and the client's retries) is an
    // attempt. The call's log is entered after one `await`: from there on this code is this
    // function's own continuation, which the caller never shares (its own continuation keeps the
    // context it awaited in), so the scope covers the model's work and nothing of the caller's,
    // without the scope run around `handler` (an async-context frame and a closure per call).
    await undefined;
    enterAttemptScope(call.attempts);
    let response: Awaited<ReturnType<ModelHandler>>;
    try {
      response = await handler(request);
    } catch (error) {
      call.attempts.close();
      try {
        this.modelCallFailed(call, request, error);
      } catch (fault) {
        this.metrics.diagnostics.reportError(SOURCE, fault);
      }
      throw error;
    }
    call.attempts.close();
    try {
      this.modelCallEnded(call, request, response);
    } catch (fault) {
      this.metrics.diagnostics.reportError(SOURCE, fault);
    }
    return response;
  }

  private startModelCall(request: ModelRequest): ModelCallInFlight | undefined {
    const scope = this.runs.scope();
    const run = scope && this.runs.runFor(scope);
    if (!scope || !run) return undefined;
    let messages: unknown;
    try {
      messages = (request as Loose)?.messages;
    } catch {
      messages = undefined;
    }
    accountUnseenToolMessages(run, messages);
    claimFromHandlers(scope.config);
    const target: FirstTokenTarget = {};
    const detach = attachFirstTokenTimer(target, scope.config);
    return { run, scope, target, detach, startedAt: now(), attempts: new AttemptLog() };
  }

  private modelCallFailed(call: ModelCallInFlight, request: ModelRequest, error: unknown): void {
    call.detach?.();
    const model = readModel(undefined, request);
    call.run.recorder.recordModelCall({
      startedAt: call.startedAt,
      endedAt: now(),
      attempts: call.attempts,
      ...(model !== undefined ? { model } : {}),
      error,
    });
    // The model's error ends the run (this middleware sits outside retry/fallback ones).
    if (call.scope.depth === call.run.depth) this.runs.finish(call.run, error);
  }

  private modelCallEnded(call: ModelCallInFlight, request: ModelRequest, response: unknown): void {
    call.detach?.();
    const { target } = call;
    // the usual response is the AI message itself: its usage is read once
    let usageMetadata: unknown;
    try {
      usageMetadata = (response as Loose)?.usage_metadata;
    } catch {
      usageMetadata = undefined;
    }
    const message = usageMetadata === undefined ? aiMessageOf(response) : response;
    let usage = fromLangChainUsageMetadata(
      message === response ? usageMetadata : get(message, 'usage_metadata'),
    );
    // the model's version is read only for the calls the correction may apply to (streamed ones)
    if (this.settings.fixAnthropic && target.streamed === true)
      usage = correctedUsage(usage, {
        enabled: true,
        streamed: true,
        anthropicVersion: anthropicVersionOfModel(request.model),
      });
    const model = readModel(message, request);
    // built field by field: conditional spreads cost a copy each, on every model call
    const recorded: RecordedModelCall = {
      startedAt: call.startedAt,
      endedAt: now(),
      attempts: call.attempts,
      streamed: target.streamed === true,
    };
    if (target.firstTokenAt !== undefined) recorded.firstTokenAt = target.firstTokenAt;
    if (model !== undefined) recorded.model = model;
    if (usage) recorded.usage = usage;
    call.run.recorder.recordModelCall(recorded);
    const endsRun = !this.settings.exactBoundaries && call.scope.depth === call.run.depth;
    if (endsRun && isFinalAnswer(response, request)) this.runs.finish(call.run);
  }

  /** `wrapToolCall`: every tool call; a tool's error becomes an error `ToolMessage`, never a failed run. */
  async wrapToolCall(request: ToolRequest, handler: ToolHandler): Promise<Awaited<ReturnType<ToolHandler>>> {
    let call: ToolCall | undefined;
    try {
      call = this.startToolCall(request);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    try {
      const result = await handler(request);
      if (call)
        try {
          endToolCall(call, result);
        } catch (fault) {
          this.metrics.diagnostics.reportError(SOURCE, fault);
        }
      return result;
    } catch (error) {
      if (call)
        try {
          call.fail(error);
        } catch (fault) {
          this.metrics.diagnostics.reportError(SOURCE, fault);
        }
      // Never rethrow: with any `wrapToolCall` in place, createAgent would fail the whole run.
      return new ToolMessage({
        content: toolErrorContent(error),
        tool_call_id: request.toolCall.id ?? '',
        name: request.toolCall.name,
        status: 'error',
      });
    }
  }

  private startToolCall(request: ToolRequest): ToolCall | undefined {
    const scope = this.runs.scope();
    const run = scope && this.runs.runFor(scope);
    if (!run) return undefined;
    const id = request.toolCall.id;
    if (id) run.seenToolCalls.add(id);
    const start: ToolCallStart = {
      name: request.toolCall.name,
      type: detectToolType(get(request.tool, 'metadata')),
    };
    if (id) start.callId = id;
    return run.recorder.startToolCall(start);
  }
}
