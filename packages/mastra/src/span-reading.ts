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

/** Epoch ms of a span time (a `Date` in memory, an ISO string once serialized). */
export function epochMs(value: unknown): number | undefined {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isFinite(t) ? t : undefined;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

export function stringField(record: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = record?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The name a tool span is known by: the tool's name as the model sees it. */
export function toolName(span: SpanLike): string {
  return span.entityName ?? span.entityId ?? span.name ?? 'tool';
}

/** Turns a span's `errorInfo` back into an error-shaped object that `classifyError` can read. */
export function spanError(span: SpanLike): Error | undefined {
  const info = span.errorInfo;
  if (!info) return undefined;
  const error = new Error(typeof info.message === 'string' ? info.message : 'failed');
  if (typeof info.name === 'string' && info.name) error.name = info.name;
  const details = info.details as Record<string, unknown> | undefined;
  const status = details?.status ?? details?.statusCode;
  if (typeof status === 'number') (error as Error & { status?: number }).status = status;
  return error;
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
