import {
  type InvocationRecorder,
  type Metrics,
  type ToolCall,
  fromAiSdkUsage,
  getCurrentInvocation,
  guard,
  now,
  runWithInvocation,
} from '@metrics/core';
import { type AiSdkMetricsOptions, SOURCE, toMetrics } from './options.js';
import { type AttemptSlot, type PromptClaim, shared } from './shared.js';
import { mcpToolNames } from './tool-type.js';

/** Operations that become one record each (embeddings, reranking, speech… are not agent runs). */
const RUN_OPERATIONS = new Set(['ai.generateText', 'ai.streamText', 'ai.generateObject', 'ai.streamObject']);
const STREAMED_OPERATIONS = new Set(['ai.streamText', 'ai.streamObject']);

export interface AiSdkTelemetryOptions {
  /** Runs kept open at most; the oldest is ended (and reported) beyond it. Default 1000. */
  maxOpenRuns?: number;
}

interface OpenAttempt {
  attempt: number;
  startedAt: number;
  /** Set for unstreamed calls, whose response is complete when `execute` resolves. */
  endedAt: number | undefined;
}

interface RunState {
  readonly recorder: InvocationRecorder;
  readonly streamed: boolean;
  readonly mcpTools: Set<string> | undefined;
  readonly tools: Map<string, ToolCall>;
  /** Attempts of the current step's model call (1 + retries). */
  attempts: number;
  open: OpenAttempt | undefined;
  /** The attempt whose `execute` has not settled yet. */
  inFlight: { slot: AttemptSlot; startedAt: number; settled: boolean } | undefined;
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
interface ModelCallEndEvent extends CallEvent {
  modelId?: string;
  provider?: string;
  usage?: unknown;
  performance?: { timeToFirstOutputMs?: number };
}
interface ToolCallInfo {
  toolCallId?: string;
  toolName?: string;
  invalid?: boolean;
  error?: unknown;
  providerExecuted?: boolean;
}
interface ToolStartEvent extends CallEvent {
  toolCall?: ToolCallInfo;
}
interface ToolEndEvent extends ToolStartEvent {
  toolOutput?: { type?: string; error?: unknown; output?: unknown };
}
interface StepEndEvent extends CallEvent {
  toolCalls?: readonly ToolCallInfo[];
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
interface ErrorEvent extends CallEvent {
  error?: unknown;
}
interface AbortEvent extends CallEvent {
  reason?: unknown;
}

/** The AI SDK 7 `Telemetry` integration this package returns (structurally typed, so it fits every 7.x). */
export interface AiSdkTelemetry {
  onStart(event: StartEvent): void;
  onStepStart(event: CallEvent): void;
  onLanguageModelCallEnd(event: ModelCallEndEvent): void;
  onToolExecutionStart(event: ToolStartEvent): void;
  onToolExecutionEnd(event: ToolEndEvent): void;
  onStepEnd(event: StepEndEvent): void;
  onObjectStepStart(event: ObjectStepStartEvent): void;
  onObjectStepEnd(event: ObjectStepEndEvent): void;
  onEnd(event: CallEvent): void;
  onAbort(event: AbortEvent): void;
  onError(event: unknown): void;
  executeLanguageModelCall<T>(options: { callId: string; execute: () => PromiseLike<T> }): PromiseLike<T>;
  executeTool<T>(options: {
    callId: string;
    toolCallId: string;
    execute: () => PromiseLike<T>;
  }): PromiseLike<T>;
  /** The `Metrics` instance records go through (`flush()`/`shutdown()` it on exit). */
  readonly metrics: Metrics;
}

function abortError(reason: unknown): unknown {
  if (reason !== undefined) return reason;
  const error = new Error('the call was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * An AI SDK 7 telemetry integration: one record per `generateText`, `streamText`,
 * `generateObject`, `streamObject` and agent call. Register it once with
 * `registerTelemetry(aiSdkTelemetry(options))`, or per call with
 * `telemetry: { integrations: [integration] }` (per-call integrations replace the global ones
 * for that call, so pass this one there too if you pass any).
 */
export function aiSdkTelemetry(options?: AiSdkMetricsOptions & AiSdkTelemetryOptions): AiSdkTelemetry {
  const metrics = toMetrics(options);
  const diagnostics = metrics.diagnostics;
  const maxOpenRuns = Math.max(1, options && 'maxOpenRuns' in options ? (options.maxOpenRuns ?? 1000) : 1000);
  const runs = new Map<string, RunState>();

  const safe =
    <E>(fn: (event: E) => void) =>
    (event: E): void => {
      guard(diagnostics, SOURCE, () => fn(event));
    };

  const runOf = (event: CallEvent | undefined): RunState | undefined =>
    typeof event?.callId === 'string' ? runs.get(event.callId) : undefined;

  const finish = (callId: string, run: RunState, error?: unknown, hasError = false): void => {
    runs.delete(callId);
    for (const tool of run.tools.values()) if (!tool.ended) tool.fail(abortError(undefined));
    if (hasError) run.recorder.end({ error, countError: !run.lastAttemptFailed });
    else run.recorder.end();
  };

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
    const open = run.open;
    if (open) {
      run.open = undefined;
      run.recorder.recordModelCall({
        attempt: open.attempt,
        startedAt: open.startedAt,
        endedAt: open.endedAt ?? now(),
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
        tools: new Map(),
        attempts: 0,
        open: undefined,
        inFlight: undefined,
        lastAttemptFailed: false,
        objectStep: undefined,
      });
    }),

    onStepStart: safe((event: CallEvent) => {
      const run = runOf(event);
      if (run) run.attempts = 0;
    }),

    async executeLanguageModelCall<T>(options: {
      callId: string;
      execute: () => PromiseLike<T>;
    }): Promise<T> {
      const run = runs.get(options.callId);
      if (!run || run.recorder.ended) return options.execute();
      let slot: AttemptSlot | undefined;
      let startedAt = 0;
      let inFlight: RunState['inFlight'];
      guard(diagnostics, SOURCE, () => {
        run.attempts++;
        run.open = undefined;
        slot = { claimed: false, attempt: run.attempts };
        shared.attemptSlots.set(run.recorder, slot);
        startedAt = now();
        inFlight = { slot, startedAt, settled: false };
        run.inFlight = inFlight;
      });
      let result: T;
      try {
        result = await runWithInvocation(run.recorder, options.execute);
      } catch (error) {
        guard(diagnostics, SOURCE, () => {
          if (shared.attemptSlots.get(run.recorder) === slot) shared.attemptSlots.delete(run.recorder);
          run.lastAttemptFailed = true;
          if (run.inFlight === inFlight) run.inFlight = undefined;
          if (inFlight?.settled) return;
          if (slot && !slot.claimed)
            run.recorder.recordModelCall({
              attempt: slot.attempt,
              startedAt,
              endedAt: now(),
              streamed: run.streamed,
              error,
            });
        });
        throw error;
      }
      guard(diagnostics, SOURCE, () => {
        if (shared.attemptSlots.get(run.recorder) === slot) shared.attemptSlots.delete(run.recorder);
        run.lastAttemptFailed = false;
        if (run.inFlight === inFlight) run.inFlight = undefined;
        if (slot && !slot.claimed)
          run.open = { attempt: slot.attempt, startedAt, endedAt: run.streamed ? undefined : now() };
      });
      return result;
    },

    onLanguageModelCallEnd: safe((event: ModelCallEndEvent) => {
      const run = runOf(event);
      const open = run?.open;
      if (!run || !open) return;
      run.open = undefined;
      const ttft = event.performance?.timeToFirstOutputMs;
      run.recorder.recordModelCall({
        attempt: open.attempt,
        startedAt: open.startedAt,
        endedAt: open.endedAt ?? now(),
        streamed: run.streamed,
        ...(typeof event.modelId === 'string' ? { model: event.modelId } : {}),
        ...(typeof event.provider === 'string' ? { provider: event.provider } : {}),
        ...(run.streamed && typeof ttft === 'number' ? { firstTokenAt: open.startedAt + ttft } : {}),
        usage: fromAiSdkUsage(event.usage),
      });
    }),

    async executeTool<T>(options: { callId: string; execute: () => PromiseLike<T> }): Promise<T> {
      const run = runs.get(options.callId);
      if (!run || run.recorder.ended) return options.execute();
      return runWithInvocation(run.recorder, options.execute);
    },

    onToolExecutionStart: safe((event: ToolStartEvent) => {
      const run = runOf(event);
      const call = event.toolCall;
      if (!run || typeof call?.toolName !== 'string') return;
      const id = call.toolCallId ?? `${run.tools.size}`;
      run.tools.set(
        id,
        run.recorder.startToolCall({
          name: call.toolName,
          ...(run.mcpTools?.has(call.toolName) ? { type: 'mcp' as const } : {}),
          ...(call.toolCallId ? { callId: call.toolCallId } : {}),
        }),
      );
    }),

    onToolExecutionEnd: safe((event: ToolEndEvent) => {
      const run = runOf(event);
      const id = event.toolCall?.toolCallId;
      const tool = run && id !== undefined ? run.tools.get(id) : undefined;
      if (!run || !tool || id === undefined) return;
      run.tools.delete(id);
      const output = event.toolOutput;
      if (output?.type === 'tool-error') tool.fail(output.error);
      else if ((output?.output as { isError?: unknown } | undefined)?.isError === true)
        tool.fail(new Error('the MCP tool returned isError: true'));
      else tool.end();
    }),

    onStepEnd: safe((event: StepEndEvent) => {
      const run = runOf(event);
      if (!run || !Array.isArray(event.toolCalls)) return;
      for (const call of event.toolCalls) {
        if (call?.invalid !== true || typeof call.toolName !== 'string') continue;
        run.recorder.recordToolCall({
          name: call.toolName,
          ...(run.mcpTools?.has(call.toolName) ? { type: 'mcp' as const } : {}),
          ...(call.toolCallId ? { callId: call.toolCallId } : {}),
          outcome: 'failure',
          error: call.error,
        });
      }
    }),

    onObjectStepStart: safe((event: ObjectStepStartEvent) => {
      const run = runOf(event);
      if (!run) return;
      run.attempts = 0;
      const claim: PromptClaim = { recorder: run.recorder, attempts: 0 };
      run.objectStep = { startedAt: now(), claim };
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

    onEnd: safe((event: CallEvent) => {
      const run = runOf(event);
      if (run && event.callId) finish(event.callId, run);
    }),

    onAbort: safe((event: AbortEvent) => {
      const run = runOf(event);
      if (!run || !event.callId) return;
      failOpenCalls(run, abortError(event.reason));
      finish(event.callId, run, abortError(event.reason), true);
    }),

    onError: safe((raw: unknown) => {
      const event = raw as ErrorEvent | undefined;
      const run = runOf(event);
      if (!run || !event?.callId) return;
      const error = event.error ?? raw;
      failOpenCalls(run, error);
      finish(event.callId, run, error, true);
    }),
  };
}
