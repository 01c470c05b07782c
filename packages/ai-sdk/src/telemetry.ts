import {
  type InvocationRecorder,
  type Metrics,
  fromAiSdkUsage,
  getCurrentInvocation,
  guard,
  now,
  runWithInvocation,
} from '@metrics/core';
import { NOT_A_MODEL_CALL, runInAttemptScope } from '@metrics/core/adapter';
import { abortError, endGenerate, observeStream } from './attempt.js';
import { type AiSdkMetricsOptions, SOURCE, ownOptions, toMetrics } from './options.js';
import { type AttemptSlot, type PromptClaim, shared } from './shared.js';
import { mcpToolNames } from './tool-type.js';

/** Operations that become one record each (embeddings, reranking, speech… are not agent runs). */
const RUN_OPERATIONS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject']);
const STREAMED_OPERATIONS = new Set(['ai.streamText', 'ai.streamObject']);

export interface AiSdkTelemetryOptions {
  /** Runs kept open at most; the oldest is ended (and reported) beyond it. Default 1000. */
  maxOpenRuns?: number;
}

interface InFlight {
  slot: AttemptSlot;
  startedAt: number;
  settled: boolean;
}

interface RunState {
  readonly recorder: InvocationRecorder;
  readonly streamed: boolean;
  readonly mcpTools: Set<string> | undefined;
  /** Attempts of the current step's model call (1 + retries). */
  attempts: number;
  /** The attempt whose `execute` has not settled yet. */
  inFlight: InFlight | undefined;
  lastAttemptFailed: boolean;
  objectStep: { startedAt: number; claim: PromptClaim } | undefined;
}

// Loose views of the AI SDK 7 events: only the fields read here.
interface CallEvent {
  callId?: string;
}
interface StartEvent extends CallEvent {
  operationId?: string;
  modelId?: string;
  functionId?: string;
  tools?: unknown;
}
interface ToolCallInfo {
  toolCallId?: string;
  toolName?: string;
  invalid?: boolean;
  error?: unknown;
}
interface StepsEvent extends CallEvent {
  steps?: readonly { toolCalls?: readonly ToolCallInfo[] }[];
}
interface ObjectStepStartEvent extends CallEvent {
  promptMessages?: unknown;
}
interface ObjectStepEndEvent extends CallEvent {
  modelId?: string;
  usage?: unknown;
  msToFirstChunk?: number;
  response?: { modelId?: string };
}
interface AbortEvent extends StepsEvent {
  reason?: unknown;
}

/** The AI SDK 7 `Telemetry` integration this package returns (structurally typed, so it fits every 7.x). */
export interface AiSdkTelemetry {
  onStart(event: StartEvent): void;
  onObjectStepStart(event: ObjectStepStartEvent): void;
  onObjectStepEnd(event: ObjectStepEndEvent): void;
  onEnd(event: StepsEvent): void;
  onAbort(event: AbortEvent): void;
  onError(event: unknown): void;
  executeLanguageModelCall<T>(options: {
    callId: string;
    provider?: string;
    modelId?: string;
    execute: () => PromiseLike<T>;
  }): PromiseLike<T>;
  executeTool<T>(options: {
    callId: string;
    toolCallId: string;
    toolCall?: { toolName?: string };
    execute: () => PromiseLike<T>;
  }): PromiseLike<T>;
  /** The `Metrics` instance records go through (`flush()`/`shutdown()` it on exit). */
  readonly metrics: Metrics;
}

/**
 * An AI SDK 7 telemetry integration: one record per `generateText`, `streamText`,
 * `generateObject`, `streamObject` and agent call. Register it once with
 * `registerTelemetry(aiSdkTelemetry(options))`, or per call with
 * `telemetry: { integrations: [integration] }` (per-call integrations replace the global ones
 * for that call, so pass this one there too if you pass any).
 *
 * Each model-call attempt is seen inside `executeLanguageModelCall` (status of failed attempts,
 * provider-level usage, first streamed part) unless the middleware runs inside it, which then
 * records that attempt instead; tools are seen inside `executeTool`, which also makes a
 * `generateText` called by a tool a member run of the calling one.
 */
export function aiSdkTelemetry(options?: AiSdkMetricsOptions & AiSdkTelemetryOptions): AiSdkTelemetry {
  const metrics = toMetrics(options);
  const diagnostics = metrics.diagnostics;
  const maxOpenRuns = Math.max(1, ownOptions<AiSdkTelemetryOptions>(options).maxOpenRuns ?? 1000);
  const runs = new Map<string, RunState>();

  const safe =
    <E>(fn: (event: E) => void) =>
    (event: E): void => {
      guard(diagnostics, SOURCE, () => fn(event));
    };

  const runOf = (event: CallEvent | undefined): RunState | undefined =>
    typeof event?.callId === 'string' ? runs.get(event.callId) : undefined;

  const toolType = (run: RunState, name: string) => (run.mcpTools?.has(name) ? { type: 'mcp' as const } : {});

  /** Tool calls the SDK could not parse (unknown tool, invalid input) never run: failed calls. */
  const recordInvalidToolCalls = (run: RunState, event: StepsEvent): void => {
    if (!Array.isArray(event.steps)) return;
    for (const step of event.steps)
      for (const call of step?.toolCalls ?? []) {
        if (call?.invalid !== true || typeof call.toolName !== 'string') continue;
        run.recorder.recordToolCall({
          name: call.toolName,
          ...toolType(run, call.toolName),
          ...(call.toolCallId ? { callId: call.toolCallId } : {}),
          outcome: 'failure',
          error: call.error,
        });
      }
  };

  /** Records the attempt or object step still open when the run failed, with the run's error. */
  const failOpenCalls = (run: RunState, error: unknown): void => {
    const inFlight = run.inFlight;
    if (inFlight && !inFlight.settled && !inFlight.slot.claimed) {
      inFlight.settled = true;
      run.recorder.recordModelCall({
        attempt: inFlight.slot.attempt,
        startedAt: inFlight.startedAt,
        endedAt: now(),
        streamed: run.streamed,
        error,
      });
      run.lastAttemptFailed = true;
    }
    const step = run.objectStep;
    if (!step) return;
    run.objectStep = undefined;
    if (step.claim.attempts > 0) return;
    run.recorder.recordModelCall({
      startedAt: step.startedAt,
      endedAt: now(),
      streamed: run.streamed,
      error,
    });
    run.lastAttemptFailed = true;
  };

  const finish = (callId: string, run: RunState, error?: unknown, hasError = false): void => {
    runs.delete(callId);
    // an error already counted on the model attempt that failed is not counted again
    if (hasError) run.recorder.end({ error, countError: !run.lastAttemptFailed });
    else run.recorder.end();
  };

  return {
    metrics,

    onStart: safe((event: StartEvent) => {
      if (typeof event.callId !== 'string' || !RUN_OPERATIONS.has(event.operationId ?? '')) return;
      const parent = getCurrentInvocation();
      const model = typeof event.modelId === 'string' ? event.modelId : undefined;
      const name = typeof event.functionId === 'string' ? event.functionId : undefined;
      const base = { ...(model ? { model } : {}), ...(name ? { name } : {}) };
      const recorder =
        parent && !parent.ended
          ? parent.startMemberRun({ kind: 'subagent', ...base })
          : metrics.startInvocation({ providerType: 'AISDK', ...base });
      if (runs.size >= maxOpenRuns) {
        const [oldestId, oldest] = runs.entries().next().value as [string, RunState];
        diagnostics.emit({
          type: 'run.evicted',
          level: 'warn',
          source: SOURCE,
          message: `more than ${maxOpenRuns} AI SDK calls open; the oldest was ended without seeing its end`,
        });
        finish(oldestId, oldest);
      }
      runs.set(event.callId, {
        recorder,
        streamed: STREAMED_OPERATIONS.has(event.operationId ?? ''),
        mcpTools: mcpToolNames(event.tools),
        attempts: 0,
        inFlight: undefined,
        lastAttemptFailed: false,
        objectStep: undefined,
      });
    }),

    async executeLanguageModelCall<T>(options: {
      callId: string;
      provider?: string;
      modelId?: string;
      execute: () => PromiseLike<T>;
    }): Promise<T> {
      const run = runs.get(options.callId);
      if (!run || run.recorder.ended) return options.execute();
      let inFlight: InFlight | undefined;
      guard(diagnostics, SOURCE, () => {
        const slot = { claimed: false, attempt: ++run.attempts };
        shared.attemptSlots.set(run.recorder, slot);
        inFlight = { slot, startedAt: now(), settled: false };
        run.inFlight = inFlight;
      });
      const settle = (): InFlight | undefined => {
        if (!inFlight) return undefined;
        if (shared.attemptSlots.get(run.recorder) === inFlight.slot) shared.attemptSlots.delete(run.recorder);
        if (run.inFlight === inFlight) run.inFlight = undefined;
        if (inFlight.settled || inFlight.slot.claimed) return undefined;
        inFlight.settled = true;
        return inFlight;
      };
      const start = (attempt: InFlight) =>
        run.recorder.startModelCall({
          attempt: attempt.slot.attempt,
          startedAt: attempt.startedAt,
          streamed: run.streamed,
          ...(typeof options.modelId === 'string' ? { model: options.modelId } : {}),
          ...(typeof options.provider === 'string' ? { provider: options.provider } : {}),
        });
      let result: T;
      try {
        result = await runWithInvocation(run.recorder, options.execute);
      } catch (error) {
        guard(diagnostics, SOURCE, () => {
          run.lastAttemptFailed = true;
          const attempt = settle();
          if (attempt) start(attempt).fail(error);
        });
        throw error;
      }
      const observed = guard(diagnostics, SOURCE, () => {
        run.lastAttemptFailed = false;
        run.attempts = 0; // the next call is a new step
        const attempt = settle();
        if (!attempt) return undefined; // the middleware recorded this attempt
        const call = start(attempt);
        const value = result as { stream?: unknown };
        if (value && value.stream instanceof ReadableStream)
          return observeStream(
            value as { stream: ReadableStream<unknown> },
            call,
            undefined,
            diagnostics,
          ) as T;
        endGenerate(call, result, undefined);
        return undefined;
      });
      return observed ?? result;
    },

    async executeTool<T>(options: {
      callId: string;
      toolCallId: string;
      toolCall?: { toolName?: string };
      execute: () => PromiseLike<T>;
    }): Promise<T> {
      const run = runs.get(options.callId);
      const name = guard(diagnostics, SOURCE, () => options.toolCall?.toolName);
      if (!run || run.recorder.ended || typeof name !== 'string') return options.execute();
      const startedAt = now();
      const record = (error?: unknown, failed = false) =>
        guard(diagnostics, SOURCE, () =>
          run.recorder.recordToolCall({
            name,
            ...toolType(run, name),
            callId: options.toolCallId,
            startedAt,
            endedAt: now(),
            outcome: failed ? 'failure' : 'success',
            ...(failed ? { error } : {}),
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
        record(error, true);
        throw error;
      }
      record();
      return result;
    },

    onObjectStepStart: safe((event: ObjectStepStartEvent) => {
      const run = runOf(event);
      if (!run) return;
      const claim: PromptClaim = { recorder: run.recorder, attempts: 0 };
      run.objectStep = { startedAt: now(), claim };
      // the middleware finds this step by the prompt array it is called with
      const prompt = event.promptMessages;
      if (typeof prompt === 'object' && prompt !== null) shared.promptClaims.set(prompt, claim);
    }),

    onObjectStepEnd: safe((event: ObjectStepEndEvent) => {
      const run = runOf(event);
      const step = run?.objectStep;
      if (!run || !step) return;
      run.objectStep = undefined;
      run.lastAttemptFailed = false;
      if (step.claim.attempts > 0) return;
      const ttft = event.msToFirstChunk;
      const model = event.response?.modelId ?? event.modelId;
      run.recorder.recordModelCall({
        startedAt: step.startedAt,
        endedAt: now(),
        streamed: run.streamed,
        ...(typeof model === 'string' ? { model } : {}),
        ...(run.streamed && typeof ttft === 'number' ? { firstTokenAt: step.startedAt + ttft } : {}),
        usage: fromAiSdkUsage(event.usage),
      });
    }),

    onEnd: safe((event: StepsEvent) => {
      const run = runOf(event);
      if (!run || !event.callId) return;
      recordInvalidToolCalls(run, event);
      finish(event.callId, run);
    }),

    onAbort: safe((event: AbortEvent) => {
      const run = runOf(event);
      if (!run || !event.callId) return;
      recordInvalidToolCalls(run, event);
      const error = abortError(event.reason);
      failOpenCalls(run, error);
      finish(event.callId, run, error, true);
    }),

    onError: safe((raw: unknown) => {
      const event = raw as (CallEvent & { error?: unknown }) | undefined;
      const run = runOf(event);
      if (!run || !event?.callId) return;
      const error = event.error ?? raw;
      failOpenCalls(run, error);
      finish(event.callId, run, error, true);
    }),
  };
}
