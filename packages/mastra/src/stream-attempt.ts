import { type Usage, fromAiSdkProviderUsage, now } from '@metrics/core';
import type { AttemptLog } from '@metrics/core/adapter';
import type { AttemptSink, ModelAttempt } from './model-observer.js';

export interface StreamPart {
  type?: string;
  usage?: unknown;
  modelId?: unknown;
  error?: unknown;
}

const FIRST_TOKEN_PARTS = new Set([
  'text-delta',
  'reasoning-delta',
  'tool-input-start',
  'tool-input-delta',
  'tool-call-delta',
  'tool-call',
]);

/** Hands an attempt to its sink; nothing the sink throws reaches the model call. */
function safe(sink: AttemptSink, attempt: ModelAttempt): void {
  try {
    sink(attempt);
  } catch {
    // the sink reports its own faults
  }
}

export /** What a streamed attempt learns from its parts, reported once when the stream ends. */
class StreamAttempt {
  private firstTokenAt: number | undefined;
  private usage: Usage | undefined;
  private responseModel: string | undefined;
  private failure: unknown;
  private reported = false;

  constructor(
    private readonly sink: AttemptSink,
    private readonly start: { startedAt: number; attempts: AttemptLog; model?: string; provider?: string },
  ) {}

  /** The stream, passed through part by part; a consumer that cancels, or a source that errors, still ends the attempt. */
  observe(source: ReadableStream<StreamPart>): ReadableStream<StreamPart> {
    const reader = source.getReader();
    return new ReadableStream<StreamPart>({
      pull: async (controller) => {
        let next: { done: boolean; value?: StreamPart };
        try {
          next = await reader.read();
        } catch (error) {
          this.report(error);
          controller.error(error);
          return;
        }
        if (next.done) {
          this.report();
          controller.close();
          return;
        }
        try {
          this.see(next.value as StreamPart);
        } catch {
          // observation is best effort
        }
        controller.enqueue(next.value as StreamPart);
      },
      cancel: (reason) => {
        this.report();
        return reader.cancel(reason);
      },
    });
  }

  private see(part: StreamPart): void {
    const type = part?.type;
    if (this.firstTokenAt === undefined && type !== undefined && FIRST_TOKEN_PARTS.has(type))
      this.firstTokenAt = now();
    else if (type === 'finish') this.usage = fromAiSdkProviderUsage(part.usage);
    else if (type === 'response-metadata' && typeof part.modelId === 'string')
      this.responseModel = part.modelId;
    else if (type === 'error' && this.failure === undefined)
      this.failure = part.error ?? new Error('stream error');
  }

  private report(error?: unknown): void {
    if (this.reported) return;
    this.reported = true;
    const endedAt = now();
    const err = error ?? this.failure;
    // one literal; fields left undefined are absent to the recorder (model-observer.ts)
    safe(this.sink, {
      startedAt: this.start.startedAt,
      endedAt,
      streamed: true,
      attempts: this.start.attempts,
      model: this.responseModel ?? this.start.model,
      provider: this.start.provider,
      firstTokenAt: this.firstTokenAt,
      usage: this.usage,
      error: err,
    });
  }
}
