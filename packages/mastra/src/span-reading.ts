import { toEpochMs } from '@metrics/core';
import { classifyHttpStatus } from '@metrics/core/adapter';

/** Readers for Mastra's exported spans; every one tolerates missing or odd fields. */

export interface SpanLike {
  id: string;
  traceId: string;
  parentSpanId?: string;
  isRootSpan?: boolean;
  name?: string;
  type: string;
  entityId?: string;
  entityName?: string;
  startTime: Date | string | number;
  endTime?: Date | string | number;
  attributes?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  errorInfo?: { message?: string; name?: string; details?: unknown; category?: string } | undefined;
}

export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The name a tool span is known by: the tool's name as the model sees it. */
export function toolName(span: SpanLike): string {
  return span.entityName ?? span.entityId ?? span.name ?? 'tool';
}

/** The error-shaped fields of a failed span, for the recorder to classify (its status, if any, as HTTP). */
export interface SpanError {
  name: string;
  message: string;
  status?: number;
  category?: string;
}

/** A span's `errorInfo` as an error-shaped value: with its HTTP status the core's classification. */
export function spanError(span: SpanLike): SpanError | undefined {
  const info = span.errorInfo;
  if (!info) return undefined;
  const details = info.details as Record<string, unknown> | undefined;
  const status = details?.status ?? details?.statusCode;
  return {
    ...(typeof status === 'number' ? classifyHttpStatus(status) : {}),
    name: typeof info.name === 'string' && info.name ? info.name : 'Error',
    message: typeof info.message === 'string' ? info.message : 'failed',
  };
}

/**
 * Whether the model step's HTTP response was streamed, read from the response Mastra keeps on
 * the step span: a `body` means a plain (non-streamed) response; an event-stream content type
 * means a streamed one. `undefined` when the step says neither (e.g. a model without HTTP).
 */
export function stepWasStreamed(metadata: Record<string, unknown> | undefined): boolean | undefined {
  if (!metadata) return undefined;
  if (metadata.body !== undefined) return false;
  const headers = metadata.headers as Record<string, unknown> | undefined;
  const contentType = headers?.['content-type'] ?? headers?.['Content-Type'];
  if (typeof contentType === 'string') {
    if (/event-stream|ndjson|eventstream/i.test(contentType)) return true;
    if (/json/i.test(contentType)) return false;
  }
  return undefined;
}

/** What a model inference span (or, in older Mastra, a model step span) tells about one model call. */
export interface Inference {
  startedAt: number;
  endedAt: number;
  usage: unknown;
  model?: string;
  provider?: string;
  completionStartTime?: number;
  failed: boolean;
}

export function readInference(
  span: SpanLike,
  startedAt: number,
  endedAt: number,
  generation: { model?: string; provider?: string } | undefined,
): Inference {
  const attributes = span.attributes ?? {};
  const inference: Inference = {
    startedAt,
    endedAt,
    usage: attributes.usage,
    failed: attributes.finishReason === 'error' || span.errorInfo !== undefined,
  };
  const model =
    stringField(attributes, 'responseModel') ?? stringField(attributes, 'model') ?? generation?.model;
  if (model !== undefined) inference.model = model;
  const provider = stringField(attributes, 'provider') ?? generation?.provider;
  if (provider !== undefined) inference.provider = provider;
  const cst = toEpochMs(attributes.completionStartTime);
  if (cst !== undefined) inference.completionStartTime = cst;
  return inference;
}

export function processorName(span: SpanLike, trip: { processorId?: unknown }): string {
  if (typeof trip.processorId === 'string' && trip.processorId) return trip.processorId;
  const name = span.name ?? 'processor';
  return name.replace(/^(input|output) processor: /, '');
}
