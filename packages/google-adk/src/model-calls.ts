import { type InvocationRecorder, type RecordedModelCall, fromGeminiUsage, now } from '@metrics/core';
import { AttemptLog, enterAttemptScope, observeHttpAttempts } from '@metrics/core/adapter';
import { hasContent } from './adk-shapes.js';

/** What the plugin reads of an `LlmResponse`. */
export interface ModelResponse {
  readonly usageMetadata?: unknown;
  readonly modelVersion?: unknown;
  readonly finishReason?: unknown;
}

/** Finish reasons of an answer the model's own safety filters stopped. */
const BLOCKED_FINISH = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'IMAGE_SAFETY']);

/** A model call the run ended before it was answered. */
export class ModelCallAbandonedError extends Error {
  override name = 'ModelCallAbandonedError';
  constructor() {
    super('the run ended before the model call was answered');
  }
}

/**
 * One model call between the ADK's before- and after-model callbacks. Recorded once it is over
 * (`recordModelCall`), so a call a later callback blocked is never a model call.
 */
export class PendingModelCall {
  readonly log = new AttemptLog();
  readonly startedAt = now();
  private firstTokenAt: number | undefined;
  /** When the answer was complete: the last response before the call's tools ran. */
  private answeredAt: number | undefined;
  private toolsStarted = false;
  private usage: unknown;
  private reportedModel: string | undefined;
  private blockedBy: string | undefined;
  private done = false;

  constructor(
    readonly recorder: InvocationRecorder,
    private readonly model: string | undefined,
    private readonly streamed: boolean,
  ) {}

  get ended(): boolean {
    return this.done;
  }

  /** Whether a response of the model reached the plugin. */
  get answered(): boolean {
    return this.answeredAt !== undefined;
  }

  /**
   * An `afterModelCallback` of this call; returns true when it was the call's last response. Under
   * SSE streaming no response says it is the last (text is flushed with `partial: false` before a
   * function call, and the aggregate of a tool-calling answer comes after its tools ran), so a
   * streamed call is recorded when its agent's next call starts or the run ends: timed to its last
   * response before its tools started, with the last usage it reported.
   */
  response(response: ModelResponse | undefined): boolean {
    if (this.done) return false;
    const at = now();
    if (!this.toolsStarted) this.answeredAt = at;
    if (this.streamed && this.firstTokenAt === undefined && hasContent(response)) this.firstTokenAt = at;
    if (typeof response !== 'object' || response === null) return !this.streamed;
    const { usageMetadata, modelVersion, finishReason } = response;
    if (usageMetadata !== undefined) this.usage = usageMetadata;
    if (typeof modelVersion === 'string' && modelVersion !== '') this.reportedModel = modelVersion;
    if (typeof finishReason === 'string' && BLOCKED_FINISH.has(finishReason)) this.blockedBy = finishReason;
    return !this.streamed;
  }

  /** The call's function calls are running: its answer is complete (its aggregate may come after them). */
  toolsRunning(): void {
    this.toolsStarted = true;
  }

  /** Records the call: successful when it got an answer, a guardrail trip when a callback answered instead. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.log.close();
    if (this.answeredAt === undefined) {
      this.recorder.recordGuardrailTrip({ name: 'model call', kind: 'before-model-callback' });
      return;
    }
    this.recorder.recordModelCall(this.recorded(this.answeredAt, undefined));
    if (this.blockedBy !== undefined)
      this.recorder.recordGuardrailTrip({ name: this.blockedBy, kind: 'model-safety' });
  }

  /**
   * The run ended while this call waited for its answer (its consumer stopped iterating, an
   * abort): a failed call if it reached the model, nothing if it never made a request.
   */
  abandon(): void {
    if (this.done || this.answeredAt !== undefined) {
      this.finish();
      return;
    }
    this.done = true;
    this.log.close();
    if (this.log.size === 0) return;
    this.recorder.recordModelCall(this.recorded(now(), new ModelCallAbandonedError()));
  }

  /** `onModelErrorCallback`: the call failed (its failed HTTP attempts are model calls of their own). */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.log.close();
    this.recorder.recordModelCall(this.recorded(now(), error));
  }

  /** The call as `recordModelCall` takes it: successful with its usage, or failed with `error`. */
  private recorded(endedAt: number, error: unknown): RecordedModelCall {
    const call: RecordedModelCall = {
      startedAt: this.startedAt,
      endedAt,
      streamed: this.streamed,
      attempts: this.log,
    };
    const model = this.reportedModel ?? this.model;
    if (model !== undefined) call.model = model;
    if (this.firstTokenAt !== undefined) call.firstTokenAt = this.firstTokenAt;
    if (error !== undefined) call.error = error;
    else call.usage = fromGeminiUsage(this.usage);
    return call;
  }
}

/**
 * Makes `collector.log` the attempt scope of the HTTP requests made from here on (and from what
 * the caller goes on to await) until it is closed: a model call's, or an `AgentTool` child run's.
 * The ADK awaits the first plugin's before-model callback in the chain that goes on to call the
 * model, so a call entered there is current for the model's HTTP requests (genai's retries
 * included). The scope is the log alone: it stays in the async context after the call (until the
 * next one enters), and a log keeps nothing else of the run alive.
 */
export function enterAttemptCollector(collector: { readonly log: AttemptLog }): void {
  observeHttpAttempts();
  enterAttemptScope(collector.log);
}
