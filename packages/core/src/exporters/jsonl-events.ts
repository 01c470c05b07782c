import type { InvocationRecord, ModelCallRecord } from '../recorder/record.js';
import { primaryModel } from '../recorder/summarize.js';
import { type Usage, isUsageReported } from '../usage/usage.js';

/** Token counts as the events write them: 0 where the framework reported none. */
export interface JsonlTokenFields {
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cache_read_input_tokens: number;
  cache_creation_input_tokens: number;
  reasoning_tokens: number;
}

/** The per-invoke usage event agent runtimes already log: usage summed over all of a run's model calls. */
export interface LlmUsageEvent extends JsonlTokenFields {
  type: 'llm_usage';
  /** ISO time the run ended. */
  timestamp: string;
  run_id: string;
  /** The conversation id, when the run had one; else null. */
  session_id: string | null;
  model: string | null;
}

/** One model call (attempt), written only when the user turns it on. */
export interface LlmCallEvent extends JsonlTokenFields {
  type: 'llm_call';
  timestamp: string;
  run_id: string;
  /** The top-level run, when this call belongs to a member run. */
  root_run_id?: string;
  session_id: string | null;
  model: string | null;
  attempt: number;
  streamed: boolean;
  outcome: ModelCallRecord['outcome'];
  status?: number;
  duration_ms: number;
  ttft_ms?: number;
  error?: { category: string; name: string; status?: number; code?: string };
}

/** The full record of one finished run. */
export interface InvocationEvent {
  type: 'invocation';
  timestamp: string;
  run_id: string;
  session_id: string | null;
  record: InvocationRecord;
}

export type JsonlEvent = LlmUsageEvent | LlmCallEvent | InvocationEvent;

/** ISO time of an epoch-ms value; a value no `Date` can hold (NaN, ±Infinity, beyond ±8.64e15) gives the current time. */
function iso(epochMs: number): string {
  const date = new Date(Math.round(epochMs));
  return Number.isNaN(date.getTime()) ? new Date().toISOString() : date.toISOString();
}

function tokenFields(usage: Usage | undefined): JsonlTokenFields {
  return {
    input_tokens: usage?.inputTokens ?? 0,
    output_tokens: usage?.outputTokens ?? 0,
    total_tokens: usage?.totalTokens ?? 0,
    cache_read_input_tokens: usage?.cacheReadTokens ?? 0,
    cache_creation_input_tokens: usage?.cacheWriteTokens ?? 0,
    reasoning_tokens: usage?.reasoningTokens ?? 0,
  };
}

function callEvents(record: InvocationRecord, root: InvocationRecord, out: JsonlEvent[]): void {
  for (const call of record.modelCalls) {
    const event: LlmCallEvent = {
      type: 'llm_call',
      timestamp: iso(call.endedAt),
      run_id: record.runId,
      session_id: root.sessionId ?? null,
      model: call.model ?? record.model ?? null,
      attempt: call.attempt,
      streamed: call.streamed,
      outcome: call.outcome,
      duration_ms: Math.max(0, call.endedAt - call.startedAt),
      ...tokenFields(call.usage),
    };
    if (record !== root) event.root_run_id = root.runId;
    if (call.status !== undefined) event.status = call.status;
    if (call.firstTokenAt !== undefined) event.ttft_ms = Math.max(0, call.firstTokenAt - call.startedAt);
    if (call.error) {
      const { category, name, status, code } = call.error;
      event.error = {
        category,
        name,
        ...(status !== undefined ? { status } : {}),
        ...(code ? { code } : {}),
      };
    }
    out.push(event);
  }
  for (const member of record.members) callEvents(member, root, out);
}

/**
 * The JSONL events of one finished run, in order: one `llm_call` per model call (members
 * included) when `modelCalls` is on; one `llm_usage` with the usage summed over the whole run,
 * only when some call reported usage (a run whose framework reported none gets no zero-valued
 * event); and one `invocation` with the full record. No prompt or completion text is ever included.
 * Never throws: an unusable time is written as the current time, and a value that is not a
 * finished record gives no events.
 */
export function toJsonlEvents(
  record: InvocationRecord,
  options: { modelCalls?: boolean } = {},
): JsonlEvent[] {
  try {
    return buildEvents(record, options?.modelCalls === true);
  } catch {
    // only a hand-built value that is not a finished record gets here: it has no events
    return [];
  }
}

function buildEvents(record: InvocationRecord, modelCalls: boolean): JsonlEvent[] {
  const events: JsonlEvent[] = [];
  if (modelCalls) callEvents(record, record, events);
  const timestamp = iso(record.endedAt);
  const sessionId = record.sessionId ?? null;
  const usage = record.summary.usage;
  if (isUsageReported(usage)) {
    events.push({
      type: 'llm_usage',
      timestamp,
      run_id: record.runId,
      session_id: sessionId,
      model: primaryModel(record) ?? null,
      ...tokenFields(usage),
    });
  }
  events.push({ type: 'invocation', timestamp, run_id: record.runId, session_id: sessionId, record });
  return events;
}
