import { type Metrics, getCurrentInvocation, guard, now, runWithInvocation } from '@metrics/core';
import {
  type MetricsInput,
  NOT_A_MODEL_CALL,
  OpenRuns,
  type OpenRunsOptions,
  adapterOptions,
  runInAttemptScope,
  toMetrics,
} from '@metrics/core/adapter';
import { abortError, endGenerate, observeStream } from './attempt.js';
import { SOURCE } from './options.js';
import type {
  AbortEvent,
  CallEvent,
  ModelCallOptions,
  ObjectStepEndEvent,
  ObjectStepStartEvent,
  StartEvent,
  StepsEvent,
  ToolOptions,
} from './telemetry-events.js';
import { type InFlight, TelemetryRun } from './telemetry-run.js';
import { mcpToolNames } from './tool-type.js';

/** Operations that become one record each (embeddings, reranking, speech… are not agent runs). */
const RUN_OPERATIONS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject']);
const STREAMED_OPERATIONS = new Set(['ai.streamText', 'ai.streamObject']);

/**
 * The integration's own options. Open calls are bounded by the core's kit: a call silent for
 * `openRunTimeoutMs` (default 10 min) is finished as it stands, at most `maxOpenRuns` (default
 * 100,000) are kept; late events of a finished one are dropped, never a new record.
 */
export type MetricsTelemetryOptions = OpenRunsOptions;

/** @deprecated Use `MetricsTelemetryOptions`. */
export type AiSdkTelemetryOptions = MetricsTelemetryOptions;

/**
 * An AI SDK 7 telemetry integration: one record per `generateText`, `streamText`,
 * `generateObject`, `streamObject` and agent call. Register it once with
 * `registerTelemetry(createMetricsTelemetry(options))`, or per call with
 * `telemetry: { integrations: [integration] }` (per-call integrations replace the global ones
 * for that call, so pass this one there too if you pass any).
 *
 * Each model-call attempt is seen inside `executeLanguageModelCall` (status of failed attempts,
 * provider-level usage, first streamed part) unless the middleware runs inside it, which then
 * claims and records that attempt instead; tools are seen inside `executeTool`, which also makes
 * a `generateText` called by a tool a member run of the calling one.
 */
export class MetricsTelemetry {
  /** The `Metrics` instance records go through (`flush()`/`shutdown()` it on exit). */
  readonly metrics: Metrics;
  private readonly runs: OpenRuns<string, TelemetryRun>;

  constructor(options?: MetricsInput & MetricsTelemetryOptions) {
    this.metrics = toMetrics(options);
    const own = adapterOptions<MetricsTelemetryOptions>(options);
    this.runs = new OpenRuns((run) => run.finish(), this.metrics.diagnostics, SOURCE, own);
  }

  /** Flushes the records not yet exported. */
  flush(options?: { timeoutMs?: number }): Promise<void> {
    return this.metrics.flush(options);
  }

  /** Finishes the calls still open as they stand, then shuts the `Metrics` down. */
  shutdown(options?: { timeoutMs?: number }): Promise<void> {
    this.runs.finishAll();
    return this.metrics.shutdown(options);
  }

  onStart(event: StartEvent): void {
    this.safely(() => {
      if (typeof event.callId !== 'string' || !RUN_OPERATIONS.has(event.operationId ?? '')) return;
      const parent = getCurrentInvocation();
      const model = typeof event.modelId === 'string' ? event.modelId : undefined;
      const name = typeof event.functionId === 'string' ? event.functionId : undefined;
      const base = { ...(model ? { model } : {}), ...(name ? { name } : {}) };
      const recorder =
        parent && !parent.ended
          ? parent.startMemberRun({ kind: 'subagent', ...base })
          : this.metrics.startInvocation({ providerType: 'AISDK', ...base });
      const streamed = STREAMED_OPERATIONS.has(event.operationId ?? '');
      this.runs.add(event.callId, new TelemetryRun(recorder, streamed, mcpToolNames(event.tools)));
    });
  }

  async executeLanguageModelCall<T>(options: ModelCallOptions<T>): Promise<T> {
    const run = this.runs.get(options.callId);
    if (!run || run.recorder.ended) return options.execute();
    const inFlight = this.safely(() => run.openAttempt());
    let result: T;
    try {
      result = await runWithInvocation(run.recorder, options.execute);
    } catch (error) {
      this.safely(() => this.attemptFailed(run, inFlight, options, error));
      throw error;
    }
    return this.safely(() => this.attemptSucceeded(run, inFlight, options, result)) ?? result;
  }

  private attemptFailed(
    run: TelemetryRun,
    inFlight: InFlight | undefined,
    options: ModelCallOptions<unknown>,
    error: unknown,
  ): void {
    run.lastAttemptFailed = true;
    const attempt = inFlight && run.settle(inFlight);
    if (attempt) run.startModelCall(attempt, options).fail(error);
  }

  /** Records the attempt (unless the middleware did); a streamed result is returned observed. */
  private attemptSucceeded<T>(
    run: TelemetryRun,
    inFlight: InFlight | undefined,
    options: ModelCallOptions<T>,
    result: T,
  ): T | undefined {
    run.lastAttemptFailed = false;
    run.attempts = 0; // the next call is a new step
    const attempt = inFlight && run.settle(inFlight);
    if (!attempt) return undefined; // the middleware recorded this attempt
    const call = run.startModelCall(attempt, options as ModelCallOptions<unknown>);
    const value = result as { stream?: unknown };
    if (value && value.stream instanceof ReadableStream)
      return observeStream(
        value as { stream: ReadableStream<unknown> },
        call,
        undefined,
        this.metrics.diagnostics,
      ) as T;
    endGenerate(call, result, undefined);
    return undefined;
  }

  async executeTool<T>(options: ToolOptions<T>): Promise<T> {
    const run = this.runs.get(options.callId);
    const name = this.safely(() => options.toolCall?.toolName);
    if (!run || run.recorder.ended || typeof name !== 'string') return options.execute();
    const startedAt = now();
    const record = (failure?: { error: unknown }) =>
      this.safely(() =>
        run.recorder.recordToolCall({
          name,
          ...run.toolType(name),
          callId: options.toolCallId,
          startedAt,
          endedAt: now(),
          outcome: failure ? 'failure' : 'success',
          ...(failure ? { error: failure.error } : {}),
        }),
      );
    let result: T;
    try {
      // inside the tool, a nested `generateText` becomes a member run of this one; the tool's
      // own HTTP requests are never model attempts
      result = await runInAttemptScope(NOT_A_MODEL_CALL, () =>
        runWithInvocation(run.recorder, options.execute),
      );
    } catch (error) {
      record({ error });
      throw error;
    }
    record();
    return result;
  }

  onObjectStepStart(event: ObjectStepStartEvent): void {
    this.safely(() => this.runOf(event)?.startObjectStep(event.promptMessages));
  }

  onObjectStepEnd(event: ObjectStepEndEvent): void {
    this.safely(() => this.runOf(event)?.endObjectStep(event));
  }

  onEnd(event: StepsEvent): void {
    this.safely(() => {
      const run = this.runOf(event);
      if (!run || !event.callId) return;
      run.recordInvalidToolCalls(event);
      this.finish(event.callId, run);
    });
  }

  onAbort(event: AbortEvent): void {
    this.safely(() => {
      const run = this.runOf(event);
      if (!run || !event.callId) return;
      run.recordInvalidToolCalls(event);
      const error = abortError(event.reason);
      run.failOpenCalls(error);
      this.finish(event.callId, run, { error });
    });
  }

  onError(raw: unknown): void {
    this.safely(() => {
      const event = raw as (CallEvent & { error?: unknown }) | undefined;
      const run = this.runOf(event);
      if (!run || !event?.callId) return;
      const error = event.error ?? raw;
      run.failOpenCalls(error);
      this.finish(event.callId, run, { error });
    });
  }

  private runOf(event: CallEvent | undefined): TelemetryRun | undefined {
    return typeof event?.callId === 'string' ? this.runs.get(event.callId) : undefined;
  }

  private finish(callId: string, run: TelemetryRun, failure?: { error: unknown }): void {
    this.runs.delete(callId);
    run.finish(failure);
  }

  private safely<R>(fn: () => R): R | undefined {
    return guard(this.metrics.diagnostics, SOURCE, fn);
  }
}

/** The integration for `registerTelemetry(...)` or `telemetry: { integrations: [...] }` (AI SDK 7). */
export function createMetricsTelemetry(options?: MetricsInput & MetricsTelemetryOptions): MetricsTelemetry {
  return new MetricsTelemetry(options);
}

/** @deprecated Use `createMetricsTelemetry`. */
export const aiSdkTelemetry = createMetricsTelemetry;

/** @deprecated Use `MetricsTelemetry`. */
export type AiSdkTelemetry = MetricsTelemetry;
