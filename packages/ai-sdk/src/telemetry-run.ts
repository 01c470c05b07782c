import { type InvocationRecorder, type ModelCall, fromAiSdkUsage, now } from '@metrics/core';
import type { AttemptSlot, PromptClaim } from './shared.js';
import { shared } from './shared.js';
import type { ModelCallOptions, ObjectStepEndEvent, StepsEvent } from './telemetry-events.js';

/** The model-call attempt whose `execute` has not settled yet. */
export interface InFlight {
  slot: AttemptSlot;
  startedAt: number;
  settled: boolean;
}

/** One `generateText`/`streamText`/`generateObject`/`streamObject` call the integration records. */
export class TelemetryRun {
  /** Attempts of the current step's model call (1 + retries). */
  attempts = 0;
  /** The attempt whose `execute` has not settled yet. */
  inFlight: InFlight | undefined;
  lastAttemptFailed = false;
  objectStep: { startedAt: number; claim: PromptClaim } | undefined;

  constructor(
    readonly recorder: InvocationRecorder,
    readonly streamed: boolean,
    private readonly mcpTools: Set<string> | undefined,
  ) {}

  toolType(name: string): { type?: 'mcp' } {
    return this.mcpTools?.has(name) ? { type: 'mcp' } : {};
  }

  /** Opens an attempt slot that a middleware running inside it may claim. */
  openAttempt(): InFlight {
    const slot: AttemptSlot = { attempt: ++this.attempts };
    shared.attemptSlots.set(this.recorder, slot);
    const inFlight = { slot, startedAt: now(), settled: false };
    this.inFlight = inFlight;
    return inFlight;
  }

  /** Closes the attempt; returns it when this integration (not the middleware) records it. */
  settle(inFlight: InFlight): InFlight | undefined {
    if (shared.attemptSlots.get(this.recorder) === inFlight.slot) shared.attemptSlots.delete(this.recorder);
    if (this.inFlight === inFlight) this.inFlight = undefined;
    if (inFlight.settled || shared.claims.isClaimed(inFlight.slot)) return undefined;
    inFlight.settled = true;
    return inFlight;
  }

  startModelCall(inFlight: InFlight, options: ModelCallOptions<unknown>): ModelCall {
    return this.recorder.startModelCall({
      attempt: inFlight.slot.attempt,
      startedAt: inFlight.startedAt,
      streamed: this.streamed,
      ...(typeof options.modelId === 'string' ? { model: options.modelId } : {}),
      ...(typeof options.provider === 'string' ? { provider: options.provider } : {}),
    });
  }

  /** Starts an object step; the middleware finds it by the prompt array it is called with. */
  startObjectStep(prompt: unknown): void {
    const claim: PromptClaim = { recorder: this.recorder, attempts: 0 };
    this.objectStep = { startedAt: now(), claim };
    if (typeof prompt === 'object' && prompt !== null) shared.promptClaims.set(prompt, claim);
  }

  /** Records the object step, unless the middleware recorded its attempts. */
  endObjectStep(event: ObjectStepEndEvent): void {
    const step = this.objectStep;
    if (!step) return;
    this.objectStep = undefined;
    this.lastAttemptFailed = false;
    if (step.claim.attempts > 0) return;
    const ttft = event.msToFirstChunk;
    const model = event.response?.modelId ?? event.modelId;
    this.recorder.recordModelCall({
      startedAt: step.startedAt,
      endedAt: now(),
      streamed: this.streamed,
      ...(typeof model === 'string' ? { model } : {}),
      ...(this.streamed && typeof ttft === 'number' ? { firstTokenAt: step.startedAt + ttft } : {}),
      usage: fromAiSdkUsage(event.usage),
    });
  }

  /** Tool calls the SDK could not parse (unknown tool, invalid input) never run: failed calls. */
  recordInvalidToolCalls(event: StepsEvent): void {
    if (!Array.isArray(event.steps)) return;
    for (const step of event.steps)
      for (const call of step?.toolCalls ?? []) {
        if (call?.invalid !== true || typeof call.toolName !== 'string') continue;
        this.recorder.recordToolCall({
          name: call.toolName,
          ...this.toolType(call.toolName),
          ...(call.toolCallId ? { callId: call.toolCallId } : {}),
          outcome: 'failure',
          error: call.error,
        });
      }
  }

  /** Records the attempt or object step still open when the run failed, with the run's error. */
  failOpenCalls(error: unknown): void {
    const inFlight = this.inFlight;
    if (inFlight && !inFlight.settled && !shared.claims.isClaimed(inFlight.slot)) {
      inFlight.settled = true;
      this.recordFailed(error, inFlight.startedAt, inFlight.slot.attempt);
    }
    const step = this.objectStep;
    if (!step) return;
    this.objectStep = undefined;
    if (step.claim.attempts === 0) this.recordFailed(error, step.startedAt, undefined);
  }

  private recordFailed(error: unknown, startedAt: number, attempt: number | undefined): void {
    this.recorder.recordModelCall({
      ...(attempt !== undefined ? { attempt } : {}),
      startedAt,
      endedAt: now(),
      streamed: this.streamed,
      error,
    });
    this.lastAttemptFailed = true;
  }

  /** Ends the record; an error already counted on the model attempt that failed is not counted again. */
  finish(failure?: { error: unknown }): void {
    if (failure) this.recorder.end({ error: failure.error, countError: !this.lastAttemptFailed });
    else this.recorder.end();
  }
}
