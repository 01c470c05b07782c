import type { InvocationRecord } from '@metrics/core';
import type { SkipReason } from './skipped.js';

/** The event versions this dashboard reads: events carry no version today, which means 1. */
export const SUPPORTED_EVENT_VERSIONS: readonly number[] = [1];

export type ParsedLine =
  | { kind: 'invocation'; record: InvocationRecord }
  | { kind: 'llm_call'; runId: string; rootRunId: string }
  | { kind: 'llm_usage' }
  | { kind: 'skip'; reason: SkipReason };

function versionOf(event: Record<string, unknown>): unknown {
  return event.version ?? event.schema_version ?? 1;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Enough of an invocation record to be summarized without throwing. */
export function isInvocationRecord(value: unknown): value is InvocationRecord {
  if (!isObject(value)) return false;
  const summary = value.summary;
  return (
    typeof value.runId === 'string' &&
    typeof value.startedAt === 'number' &&
    typeof value.endedAt === 'number' &&
    Array.isArray(value.modelCalls) &&
    Array.isArray(value.toolCalls) &&
    Array.isArray(value.members) &&
    isObject(summary) &&
    isObject(summary.tools) &&
    isObject(summary.errors)
  );
}

/** Classifies one line of a JSONL events file (see `toJsonlEvents` in `@metrics/core`). */
export function parseLine(line: string): ParsedLine {
  let event: unknown;
  try {
    event = JSON.parse(line);
  } catch {
    return { kind: 'skip', reason: 'unreadable' };
  }
  if (!isObject(event)) return { kind: 'skip', reason: 'not_an_object' };
  if (!SUPPORTED_EVENT_VERSIONS.includes(versionOf(event) as number)) {
    return { kind: 'skip', reason: 'unknown_version' };
  }
  switch (event.type) {
    case 'invocation':
      return isInvocationRecord(event.record)
        ? { kind: 'invocation', record: event.record }
        : { kind: 'skip', reason: 'invalid_record' };
    case 'llm_call':
      if (typeof event.run_id !== 'string') return { kind: 'skip', reason: 'invalid_record' };
      return {
        kind: 'llm_call',
        runId: event.run_id,
        rootRunId: typeof event.root_run_id === 'string' ? event.root_run_id : event.run_id,
      };
    case 'llm_usage':
      return { kind: 'llm_usage' };
    default:
      return { kind: 'skip', reason: 'unknown_type' };
  }
}
