import { type InvocationRecorder, fromMastraSpanUsage } from '@metrics/core';
import { removeAt } from '@metrics/core/adapter';
import { type AttemptSink, type ModelAttempt, recordAttempt } from './model-observer.js';
import { PendingSteps } from './pending-steps.js';
import {
  type Inference,
  type SpanLike,
  processorName,
  spanError,
  stepWasStreamed,
  toolName,
} from './span-reading.js';

const MAX_PENDING_ATTEMPTS = 64;
/** Slack (ms) when matching the model wrapper's requests to Mastra's spans (clock rounding). */
const SLACK_MS = 5;

/** One agent run (top-level invocation or member run) being assembled from Mastra's spans. */
export class ExporterRun {
  /** model steps whose spans have not ended: the inference span that ended in each, its first tool start */
  readonly steps = new PendingSteps();
  /** successful requests the model wrapper saw, not yet matched to an inference span */
  private readonly attempts: ModelAttempt[] = [];
  private lastFailedAttemptEnd: number | undefined;
  private modelFailed = false;
  private trips = 0;
  /** model and provider of the current generation span */
  generation: { model?: string; provider?: string } | undefined;
  /** where the model wrapper reports this run's requests (made by the exporter on the first) */
  sink: AttemptSink | undefined;

  constructor(
    readonly recorder: InvocationRecorder,
    readonly top: boolean,
  ) {}

  /** A request the model wrapper saw: a failure is recorded now (with its status), a success waits for its span. */
  onAttempt(attempt: ModelAttempt): void {
    if (attempt.error === undefined) {
      if (this.attempts.length < MAX_PENDING_ATTEMPTS) this.attempts.push(attempt);
      return;
    }
    this.modelFailed = true;
    this.lastFailedAttemptEnd = attempt.endedAt;
    recordAttempt(this.recorder, attempt);
  }

  toolStarted(stepSpanId: string, at: number): void {
    const step = this.steps.open(stepSpanId);
    if (step.firstToolStart === undefined || at < step.firstToolStart) step.firstToolStart = at;
  }

  recordTool(span: SpanLike, startedAt: number | undefined, endedAt: number): void {
    const error = spanError(span);
    const attributes = span.attributes;
    const callId = attributes?.toolCallId;
    // one literal; fields left undefined are absent to the recorder (a spread of a conditional
    // literal per field cost ~2 k instructions per tool call)
    this.recorder.recordToolCall({
      name: toolName(span),
      type: span.type === 'mcp_tool_call' ? 'mcp' : 'api',
      callId: typeof callId === 'string' ? callId : undefined,
      startedAt: startedAt ?? endedAt,
      endedAt,
      outcome: attributes?.success === false || error !== undefined ? 'failure' : 'success',
      error,
    });
  }

  recordProcessor(span: SpanLike, endedAt: number): void {
    const trip = span.attributes?.tripwireAbort as { processorId?: unknown } | undefined;
    if (!trip) return;
    this.trips++;
    this.recorder.recordGuardrailTrip({ name: processorName(span, trip), kind: 'processor', at: endedAt });
  }

  /** Ends the run from its `agent_run` span, recording the inferences still pending. */
  end(span: SpanLike, endedAt: number): void {
    for (const step of this.steps.takeAll())
      if (step.inference) this.recordInference(step.inference, undefined, step.firstToolStart);
    const trip = span.attributes?.tripwireAbort as { processorId?: unknown } | undefined;
    if (trip && this.trips === 0)
      this.recorder.recordGuardrailTrip({ name: processorName(span, trip), kind: 'processor', at: endedAt });
    const error = spanError(span);
    if (error) this.recorder.end({ error, endedAt, countError: !this.modelFailed });
    else this.recorder.end({ endedAt });
  }

  /**
   * Records one model call from an inference span, matched with what the model wrapper saw;
   * `stepMetadata` (the step span's) is read only when there is no match.
   */
  recordInference(
    inference: Inference,
    stepMetadata: Record<string, unknown> | undefined,
    firstToolStart: number | undefined,
  ): void {
    const usage = fromMastraSpanUsage(inference.usage);
    if (inference.failed && !usage) {
      this.recordFailedInference(inference);
      return;
    }
    const attempt = this.takeAttempt(inference);
    const timing = attempt ?? this.fromSpan(inference, stepMetadata, firstToolStart);
    // one literal; fields left undefined are absent to the recorder (model-observer.ts)
    this.recorder.recordModelCall({
      startedAt: timing.startedAt,
      endedAt: timing.endedAt,
      streamed: timing.streamed,
      firstTokenAt: timing.firstTokenAt,
      model: inference.model,
      provider: inference.provider,
      usage,
      attempts: attempt?.attempts,
    });
  }

  /** A failed request: the model wrapper already recorded it with its status when it saw it. */
  private recordFailedInference(inference: Inference): void {
    const end = this.lastFailedAttemptEnd;
    if (end !== undefined && end >= inference.startedAt - SLACK_MS) return;
    this.modelFailed = true;
    this.recorder.recordModelCall({
      startedAt: inference.startedAt,
      endedAt: inference.endedAt,
      model: inference.model,
      provider: inference.provider,
      error: { name: 'ModelCallError', message: 'the model call failed' },
    });
  }

  /** The first request that started within the inference span (a loop: `findIndex` made a closure per call). */
  private takeAttempt(inference: Inference): ModelAttempt | undefined {
    const attempts = this.attempts;
    const from = inference.startedAt - SLACK_MS;
    const to = inference.endedAt + SLACK_MS;
    for (let i = 0; i < attempts.length; i++) {
      const attempt = attempts[i]!;
      if (attempt.startedAt < from || attempt.startedAt > to) continue;
      removeAt(attempts, i);
      return attempt;
    }
    return undefined;
  }

  /** Times from the span alone: it also covers backoff before a retry and the step's tool calls. */
  private fromSpan(
    inference: Inference,
    stepMetadata: Record<string, unknown> | undefined,
    firstToolStart: number | undefined,
  ): Timing {
    let startedAt = inference.startedAt;
    let endedAt = inference.endedAt;
    const failedEnd = this.lastFailedAttemptEnd;
    if (failedEnd !== undefined && failedEnd > startedAt && failedEnd < endedAt) startedAt = failedEnd;
    if (firstToolStart !== undefined && firstToolStart > startedAt && firstToolStart < endedAt)
      endedAt = firstToolStart;
    const streamed = stepWasStreamed(stepMetadata) ?? inference.completionStartTime !== undefined;
    const cst = inference.completionStartTime;
    const firstTokenAt =
      streamed && cst !== undefined && cst >= startedAt && cst <= endedAt ? cst : undefined;
    return { startedAt, endedAt, streamed, firstTokenAt };
  }
}

/** A model call's times, from the model wrapper's attempt or from the span alone. */
interface Timing {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly streamed: boolean;
  readonly firstTokenAt?: number | undefined;
}
