import { AttemptLog } from '../attempts/attempt-log.js';
import { now } from '../clock.js';
import type { Diagnostics } from '../diagnostics.js';
import { isProviderType } from '../schema/provider-types.js';
import { type Fields, readField, readFields } from '../usage/read-fields.js';
import { sanitizeUsage } from '../usage/sanitize-usage.js';
import { type Usage, isSealedUsage } from '../usage/usage.js';
import type {
  InvocationOptions,
  ModelCallEnd,
  ModelCallStart,
  ToolCallStart,
  RecordedModelCall,
} from './invocation-recorder.js';
import type { MemberKind } from './record.js';

/**
 * The repair rules of the recorder's public entry points. A JavaScript caller can pass anything;
 * each argument is read through guards (`readFields`: once, or twice when a getter throws) into a
 * fresh object of the documented shape. What does not fit is dropped ("not reported") or replaced
 * by its default, and reported as a `recorder.invalid-input` (or `usage.invalid`) warning. Nothing
 * here throws.
 *
 * The object a reader returns is fresh and the recorder's own, so it is repaired in place and
 * returned: a field the caller did not give is present and `undefined`, which every reader of these
 * objects treats as absent. The checks of a valid value are written inline; only a bad value calls
 * out to be reported. These run for every model and tool call, in the engine's baseline tier (see
 * `bench/invocation-parts.mjs`), where a second object and a call per field were a fifth of the
 * recording's cost.
 */

export const INVALID_INPUT_EVENT = 'recorder.invalid-input';
export const INVALID_USAGE_EVENT = 'usage.invalid';
const SOURCE = 'recorder';

/** The times accepted, in epoch ms: the 13-digit range of the payload's `time` (2001-09-09 to 2286-11-20). */
export const MIN_EPOCH_MS = 1e12;
export const MAX_EPOCH_MS = 1e13 - 1;

const MEMBER_KINDS: ReadonlySet<string> = new Set([
  'subagent',
  'handoff',
  'team-member',
  'tool-agent',
  'subgraph',
]);
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const MAX_METADATA_KEYS = 64;

type Diag = Diagnostics | undefined;

/** How a bad value is named in a message: its type, a number as is, a string by its length (never its text). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export function reportInvalid(diagnostics: Diag, what: string, value: unknown, repair: string): void {
  diagnostics?.emit({
    type: INVALID_INPUT_EVENT,
    level: 'warn',
    source: SOURCE,
    message: `${what} was ${describe(value)}; ${repair}`,
    data: { argument: what },
  });
}

export function isValidTime(value: unknown): value is number {
  return typeof value === 'number' && value >= MIN_EPOCH_MS && value <= MAX_EPOCH_MS;
}

/** A time argument: `undefined` means now; anything but an epoch-ms time in range is replaced by now. */
export function timeArg(value: unknown, what: string, diagnostics: Diag): number {
  if (value === undefined) return now();
  if (isValidTime(value)) return value;
  reportInvalid(diagnostics, what, value, 'the current time was used');
  return now();
}

/** An optional time: kept when valid, dropped (so the default applies) otherwise. */
function optionalTime(value: unknown, what: string, diagnostics: Diag): number | undefined {
  if (value === undefined || isValidTime(value)) return value;
  reportInvalid(diagnostics, what, value, 'the current time was used');
  return undefined;
}

function optionalString(value: unknown, what: string, diagnostics: Diag): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  reportInvalid(diagnostics, what, value, 'it was left out');
  return undefined;
}

/**
 * An options argument: an object is read through guards; `undefined` is `{}`; anything else is
 * reported. The entry points that run on every call test for an object before calling this.
 */
function objectArg(value: unknown, what: string, diagnostics: Diag): object {
  if (typeof value === 'object' && value !== null) return value;
  if (value !== undefined) reportInvalid(diagnostics, what, value, 'it was treated as {}');
  return {};
}

function metadataArg(value: unknown, diagnostics: Diag): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    reportInvalid(diagnostics, 'metadata', value, 'it was left out');
    return undefined;
  }
  const out: Record<string, string> = {};
  let dropped = 0;
  try {
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const entry = readField(value, keys[i]!);
      if (typeof entry === 'string' && i < MAX_METADATA_KEYS) out[keys[i]!] = entry;
      else dropped++;
    }
  } catch {
    dropped++;
  }
  if (dropped > 0)
    reportInvalid(diagnostics, 'metadata', value, `${dropped} entr(ies) that were not strings were left out`);
  return out;
}

const readInvocationOptions = (s: Fields) => ({
  providerType: s.providerType,
  name: s.name,
  sessionId: s.sessionId,
  model: s.model,
  metadata: s.metadata,
  startedAt: s.startedAt,
  runId: s.runId,
});

export function sanitizeInvocationOptions(value: unknown, diagnostics: Diag): InvocationOptions {
  const options = readFields(
    typeof value === 'object' && value !== null ? value : objectArg(value, 'invocation options', diagnostics),
    readInvocationOptions,
  );
  const providerType = options.providerType;
  if (providerType !== undefined && !isProviderType(providerType)) {
    reportInvalid(diagnostics, 'providerType', providerType, 'the default provider type was used');
    options.providerType = undefined;
  }
  const name = options.name;
  if (name !== undefined && typeof name !== 'string')
    options.name = optionalString(name, 'name', diagnostics);
  const sessionId = options.sessionId;
  if (sessionId !== undefined && typeof sessionId !== 'string')
    options.sessionId = optionalString(sessionId, 'sessionId', diagnostics);
  const model = options.model;
  if (model !== undefined && typeof model !== 'string')
    options.model = optionalString(model, 'model', diagnostics);
  // always copied: the record must not hold the caller's object
  if (options.metadata !== undefined) options.metadata = metadataArg(options.metadata, diagnostics);
  const startedAt = options.startedAt;
  if (startedAt !== undefined && !isValidTime(startedAt))
    options.startedAt = optionalTime(startedAt, 'startedAt', diagnostics);
  const runId = options.runId;
  if (runId !== undefined && !(typeof runId === 'string' && UUID_V4.test(runId))) {
    reportInvalid(diagnostics, 'runId', runId, 'a fresh UUID v4 was used');
    options.runId = undefined;
  }
  return options as InvocationOptions;
}

export function sanitizeMemberOptions(
  value: unknown,
  diagnostics: Diag,
): InvocationOptions & { kind: MemberKind } {
  const kind = readField(value, 'kind');
  const options = sanitizeInvocationOptions(value, diagnostics);
  if (typeof kind === 'string' && MEMBER_KINDS.has(kind)) return { ...options, kind: kind as MemberKind };
  reportInvalid(diagnostics, 'member run kind', kind, 'subagent was used');
  return { ...options, kind: 'subagent' };
}

const readModelCallStart = (s: Fields) => ({
  model: s.model,
  provider: s.provider,
  attempt: s.attempt,
  streamed: s.streamed,
  startedAt: s.startedAt,
});

export function sanitizeModelCallStart(value: unknown, diagnostics: Diag): ModelCallStart {
  const start = readFields(
    typeof value === 'object' && value !== null ? value : objectArg(value, 'model call start', diagnostics),
    readModelCallStart,
  );
  return repairModelCallStart(start, diagnostics);
}

/** The start fields' rules, applied in place to a reader's object (a start's, or a recorded call's). */
function repairModelCallStart(
  start: Record<keyof ModelCallStart, unknown>,
  diagnostics: Diag,
): ModelCallStart {
  const model = start.model;
  if (model !== undefined && typeof model !== 'string')
    start.model = optionalString(model, 'model', diagnostics);
  const provider = start.provider;
  if (provider !== undefined && typeof provider !== 'string')
    start.provider = optionalString(provider, 'provider', diagnostics);
  const attempt = start.attempt;
  if (
    attempt !== undefined &&
    !(typeof attempt === 'number' && Number.isSafeInteger(attempt) && attempt >= 1)
  ) {
    reportInvalid(diagnostics, 'attempt', attempt, '1 was used');
    start.attempt = undefined;
  }
  if (start.streamed !== undefined && start.streamed !== true) start.streamed = undefined;
  const startedAt = start.startedAt;
  if (startedAt !== undefined && !isValidTime(startedAt))
    start.startedAt = optionalTime(startedAt, 'startedAt', diagnostics);
  return start as ModelCallStart;
}

function usageArg(value: unknown, diagnostics: Diag): Usage | undefined {
  if (isSealedUsage(value)) return value;
  const { usage, repairs } = sanitizeUsage(value);
  if (repairs.length > 0) {
    diagnostics?.emit({
      type: INVALID_USAGE_EVENT,
      level: 'warn',
      source: SOURCE,
      message: `usage repaired (invalid counts are "not reported"): ${repairs.slice(0, 8).join(', ')}`,
      data: { repairs: repairs.length },
    });
  }
  return usage;
}

const readModelCallEnd = (s: Fields) => ({ usage: s.usage, model: s.model, status: s.status });

export function sanitizeModelCallEnd(value: unknown, diagnostics: Diag): ModelCallEnd {
  const end = readFields(
    typeof value === 'object' && value !== null ? value : objectArg(value, 'model call result', diagnostics),
    readModelCallEnd,
  );
  return repairModelCallEnd(end, diagnostics);
}

/** The end fields' rules, applied in place to a reader's object (a result's, or a recorded call's). */
function repairModelCallEnd(end: Record<keyof ModelCallEnd, unknown>, diagnostics: Diag): ModelCallEnd {
  if (end.usage !== undefined) end.usage = usageArg(end.usage, diagnostics);
  const model = end.model;
  if (model !== undefined && typeof model !== 'string')
    end.model = optionalString(model, 'model', diagnostics);
  const status = end.status;
  if (
    status !== undefined &&
    !(typeof status === 'number' && Number.isInteger(status) && status >= 100 && status <= 599)
  ) {
    reportInvalid(diagnostics, 'status', status, 'it was left out');
    end.status = undefined;
  }
  return end as ModelCallEnd;
}

/**
 * `recordModelCall`'s argument: start and end fields, both times (repaired to now), first token,
 * error, attempts: read in one pass and repaired in place by the start's and the end's rules.
 */
const readRecordedModelCall = (s: Fields) => ({
  model: s.model,
  provider: s.provider,
  attempt: s.attempt,
  streamed: s.streamed,
  startedAt: s.startedAt,
  endedAt: s.endedAt,
  firstTokenAt: s.firstTokenAt,
  usage: s.usage,
  status: s.status,
  error: s.error,
  attempts: s.attempts,
});

export function sanitizeRecordedModelCall(value: unknown, diagnostics: Diag): RecordedModelCall {
  const call = readFields(objectArg(value, 'recorded model call', diagnostics), readRecordedModelCall);
  call.startedAt = timeArg(call.startedAt, 'startedAt', diagnostics);
  call.endedAt = timeArg(call.endedAt, 'endedAt', diagnostics);
  repairModelCallStart(call, diagnostics);
  repairModelCallEnd(call, diagnostics);
  const firstTokenAt = call.firstTokenAt;
  if (firstTokenAt !== undefined && !isValidTime(firstTokenAt))
    call.firstTokenAt = optionalTime(firstTokenAt, 'firstTokenAt', diagnostics);
  const attempts = call.attempts;
  if (attempts !== undefined && !(attempts instanceof AttemptLog)) {
    reportInvalid(diagnostics, 'attempts', attempts, 'it was ignored');
    call.attempts = undefined;
  }
  return call as RecordedModelCall;
}

const readToolCallStart = (s: Fields) => ({
  name: s.name,
  type: s.type,
  callId: s.callId,
  startedAt: s.startedAt,
});

export function sanitizeToolCallStart(value: unknown, diagnostics: Diag): ToolCallStart {
  const start = readFields(
    typeof value === 'object' && value !== null ? value : objectArg(value, 'tool call start', diagnostics),
    readToolCallStart,
  );
  const name = start.name;
  if (typeof name !== 'string') {
    reportInvalid(diagnostics, 'tool name', name, '"unknown" was used');
    start.name = 'unknown';
  }
  const type = start.type;
  if (type !== undefined && type !== 'api' && type !== 'mcp') {
    reportInvalid(diagnostics, 'tool type', type, 'it was ignored (the type is api unless mcp is given)');
    start.type = undefined;
  }
  const callId = start.callId;
  if (callId !== undefined && typeof callId !== 'string')
    start.callId = optionalString(callId, 'callId', diagnostics);
  const startedAt = start.startedAt;
  if (startedAt !== undefined && !isValidTime(startedAt))
    start.startedAt = optionalTime(startedAt, 'startedAt', diagnostics);
  return start as ToolCallStart;
}

const readRecordedToolCall = (s: Fields) => ({ outcome: s.outcome, endedAt: s.endedAt, error: s.error });

export function sanitizeRecordedToolCall(
  value: unknown,
  diagnostics: Diag,
): ToolCallStart & { endedAt?: number; outcome: 'success' | 'failure'; error?: unknown } {
  const source = objectArg(value, 'recorded tool call', diagnostics);
  const recorded = readFields(source, readRecordedToolCall);
  const outcome = recorded.outcome;
  if (outcome !== 'success' && outcome !== 'failure')
    reportInvalid(diagnostics, 'tool call outcome', outcome, 'it was recorded as a failure');
  const out: ReturnType<typeof sanitizeRecordedToolCall> = {
    ...sanitizeToolCallStart(source, diagnostics),
    outcome: outcome === 'success' ? 'success' : 'failure',
  };
  const endedAt = optionalTime(recorded.endedAt, 'endedAt', diagnostics);
  if (endedAt !== undefined) out.endedAt = endedAt;
  const error = recorded.error;
  if (error !== undefined) out.error = error;
  return out;
}

const readGuardrailTrip = (s: Fields) => ({ name: s.name, kind: s.kind, at: s.at });

/** A guardrail trip without a usable name still counts (the caller said one tripped), as `unknown`. */
export function sanitizeGuardrailTrip(
  value: unknown,
  diagnostics: Diag,
): { name: string; kind?: string; at?: number } {
  const source = readFields(objectArg(value, 'guardrail trip', diagnostics), readGuardrailTrip);
  const name = source.name;
  if (typeof name !== 'string') reportInvalid(diagnostics, 'guardrail name', name, '"unknown" was used');
  const out: { name: string; kind?: string; at?: number } = {
    name: typeof name === 'string' ? name : 'unknown',
  };
  const kind = optionalString(source.kind, 'guardrail kind', diagnostics);
  if (kind !== undefined) out.kind = kind;
  const at = optionalTime(source.at, 'at', diagnostics);
  if (at !== undefined) out.at = at;
  return out;
}

const readEndOptions = (s: Fields) => ({ error: s.error, endedAt: s.endedAt, countError: s.countError });

export function sanitizeEndOptions(
  value: unknown,
  diagnostics: Diag,
): { error?: unknown; endedAt?: number; countError?: boolean } {
  const options = readFields(
    typeof value === 'object' && value !== null ? value : objectArg(value, 'end options', diagnostics),
    readEndOptions,
  );
  const endedAt = options.endedAt;
  if (endedAt !== undefined && !isValidTime(endedAt))
    options.endedAt = optionalTime(endedAt, 'endedAt', diagnostics);
  if (options.countError !== undefined && options.countError !== false) options.countError = undefined;
  return options as { error?: unknown; endedAt?: number; countError?: boolean };
}

/** A user-supplied hook (e.g. a `toolTypes` function) threw; its result was replaced by the default. */
export function reportHookError(diagnostics: Diag, what: string, error: unknown): void {
  let name = 'a non-error value';
  try {
    if (error instanceof Error) name = error.name;
  } catch {
    // a hostile error object: keep the generic name
  }
  diagnostics?.emit({
    type: 'recorder.hook-error',
    level: 'warn',
    source: SOURCE,
    message: `${what} threw ${name}; the default was used`,
  });
}
