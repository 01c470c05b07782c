import { AttemptLog, type HttpAttempt, isFailedAttempt } from '../attempts/attempt-log.js';
import { type AttemptScope, enterAttemptScope } from '../attempts/attempt-scope.js';
import { observeHttpAttempts } from '../attempts/http-attempt-observer.js';
import { now } from '../clock.js';
import type { Diagnostics } from '../diagnostics.js';
import { type ErrorInfo, classifyError, classifyHttpStatus } from '../errors/classify-error.js';
import type { ProviderType } from '../schema/provider-types.js';
import type { ToolType } from '../schema/resource-metric.js';
import type { Usage } from '../usage/usage.js';
import type {
  GuardrailTripRecord,
  InvocationRecord,
  MemberKind,
  ModelCallRecord,
  ToolCallRecord,
} from './record.js';
import {
  reportHookError,
  sanitizeEndOptions,
  sanitizeGuardrailTrip,
  sanitizeInvocationOptions,
  sanitizeMemberOptions,
  sanitizeModelCallEnd,
  sanitizeModelCallStart,
  sanitizeRecordedModelCall,
  sanitizeRecordedToolCall,
  sanitizeToolCallStart,
  timeArg,
} from './sanitize.js';
import { fromOpenAIChatUsage } from '../usage/from-openai.js';
import { UsageTotal } from '../usage/usage-total.js';
import { keepShapes } from './kept-shapes.js';
import { OpenItems } from './open-items.js';
import { summarizeInvocation } from './summarize.js';
import { type ToolTypeOverride, resolveToolType } from './tool-type.js';

export interface InvocationOptions {
  /** Default `CUSTOM_PROVIDER`; adapters pass their own. */
  providerType?: ProviderType;
  name?: string;
  /** The conversation (session) this run belongs to; not the resourceMetrics `sessionId`. */
  sessionId?: string;
  /** The model configured for the run, when calls do not report one. */
  model?: string;
  metadata?: Record<string, string>;
  /** Epoch ms; default now. */
  startedAt?: number;
  /** Default: a fresh UUID v4. */
  runId?: string;
}

/** What a recorder needs from its surroundings; set by `createMetrics` or an adapter. */
export interface RecorderHooks {
  /** Receives the finished record of a top-level invocation. */
  onEnd?: (record: InvocationRecord) => void;
  diagnostics?: Diagnostics;
  toolTypes?: ToolTypeOverride;
  /** What a top-level invocation that does not say gets (`createMetrics({ providerType, sessionId })`). */
  defaults?: { providerType?: ProviderType; sessionId?: string };
}

export interface ModelCallStart {
  model?: string;
  provider?: string;
  attempt?: number;
  streamed?: boolean;
  startedAt?: number;
}

export interface ModelCallEnd {
  usage?: Usage;
  /** The model id the response reported (wins over the one given at start). */
  model?: string;
  status?: number;
}

/** A model call known after the fact: `recordModelCall`'s argument. */
export type RecordedModelCall = ModelCallStart &
  ModelCallEnd & {
    startedAt: number;
    endedAt: number;
    firstTokenAt?: number;
    error?: unknown;
    /** The HTTP attempts the adapter saw for it (`addAttemptLogResolver`, `runInAttemptScope`). */
    attempts?: AttemptLog;
  };

export interface ToolCallStart {
  name: string;
  /** What the adapter detected; the user's override still applies. */
  type?: ToolType;
  callId?: string;
  startedAt?: number;
}

const MAX_ITEMS = 10_000;

// most records have no guardrail trips, errors or members: they share one frozen empty list
// (freezing is one of the costlier steps of ending a run)
const NONE: readonly never[] = Object.freeze([]);

/** Whether `templateRun` was kept (read on every invocation: a flag, not a lookup). */
let templateKept = false;

let webCrypto: { randomUUID(): string } | undefined;
/** A fresh run id. `globalThis.crypto` is a getter in Node: read once. */
function randomUUID(): string {
  webCrypto ??= globalThis.crypto;
  return webCrypto.randomUUID();
}

interface Shared {
  hooks: RecorderHooks;
  /**
   * Error objects already counted on a model call, so the run's own error is not counted twice.
   * Created with the first error: a weak collection per run is costly for the garbage collector.
   */
  countedErrors: WeakSet<object> | undefined;
}

function errorChainSeen(error: unknown, seen: WeakSet<object>): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    if (seen.has(current)) return true;
    const next = current as { cause?: unknown; lastError?: unknown; errors?: unknown };
    let candidate: unknown;
    try {
      candidate =
        next.lastError ??
        next.cause ??
        (Array.isArray(next.errors) ? next.errors[next.errors.length - 1] : undefined);
    } catch {
      return false;
    }
    current = candidate;
  }
  return false;
}

/** Sanitized options with the instance's defaults where they say nothing (they are sanitized once, here). */
function withDefaults(
  options: InvocationOptions,
  defaults: NonNullable<RecorderHooks['defaults']>,
): InvocationOptions {
  if (options.providerType === undefined && defaults.providerType !== undefined)
    options.providerType = defaults.providerType;
  if (options.sessionId === undefined && defaults.sessionId !== undefined)
    options.sessionId = defaults.sessionId;
  return options;
}

/**
 * What a call leaves in the async context of the code that started it: a reference to the call,
 * dropped when the call ends. A framework may keep that context long after (in a promise it
 * retains); through this handle, the ended call, its run and the run's record stay collectable
 * instead of being kept, and promoted by the garbage collector, with the framework's objects.
 */
class ScopeHandle implements AttemptScope {
  constructor(private call: ModelCall | ToolCall | undefined) {}

  /** Released exactly when the call ends. */
  get ended(): boolean {
    return this.call === undefined;
  }

  attemptLog(): AttemptLog | null {
    return this.call === undefined ? null : this.call.attemptLog();
  }

  release(): void {
    this.call = undefined;
  }
}

/** Where the outcome of a model call begins once the failed HTTP attempts before it are recorded. */
interface OutcomeAttempt {
  startedAt: number;
  attempt: number;
  status: number | undefined;
}

/**
 * A model call in flight. Every method is safe to call late or twice: the extra call is ignored.
 *
 * While it is open it is the attempt scope of the code that started it: every HTTP request made
 * from there (the provider client's retries included) is one of its attempts. Each failed attempt
 * before the outcome is recorded as a model call of its own, so a 429 the client retried counts as
 * a model call and a throttle, and the outcome is timed from the request that produced it.
 */
export class ModelCall implements AttemptScope {
  // fields are declared and set in the constructor (here and in the recorder's other per-call
  // classes): initialized fields are set by a function of their own, a second call per object
  declare private firstTokenAt: number | undefined;
  declare private done: boolean;
  /** @internal the handle entered as the caller's attempt scope (`startModelCall`) */
  declare _scope: ScopeHandle | undefined;
  declare private attempts: AttemptLog | undefined;
  declare private lastAttempt: number | undefined;

  constructor(
    private readonly owner: InvocationRecorder,
    private readonly start: ModelCallStart,
    private readonly startedAt: number,
  ) {
    this.firstTokenAt = undefined;
    this.done = false;
    this._scope = undefined;
    this.attempts = undefined;
    this.lastAttempt = undefined;
  }

  get ended(): boolean {
    return this.done;
  }

  /**
   * Once the call ended: the attempt number a retry of the same request takes, after every model
   * call this one produced (each failed HTTP attempt is one). For adapters whose framework retries
   * a failed call itself (`startModelCall({ attempt: previous.nextAttempt })`). `undefined` while open.
   */
  get nextAttempt(): number | undefined {
    return this.lastAttempt === undefined ? undefined : this.lastAttempt + 1;
  }

  /** @internal The log the HTTP attempts of this call go to. */
  attemptLog(): AttemptLog {
    this.attempts ??= new AttemptLog();
    return this.attempts;
  }

  /** @internal Takes the attempts an adapter collected for a call it records after the fact. */
  _adoptAttempts(log: AttemptLog): void {
    this.attempts = log;
  }

  /** Marks the first content or tool-call delta; only the first mark counts. */
  // a time argument left out is read by `timeArg` (a default `now()` would then be checked too)
  firstToken(at?: number): void {
    if (this.firstTokenAt !== undefined || this.done) return;
    this.firstTokenAt = timeArg(at, 'firstToken(at)', this.owner._diagnostics);
  }

  end(result?: ModelCallEnd, at?: number): void {
    if (this.done) return;
    this.done = true;
    this._scope?.release();
    const diagnostics = this.owner._diagnostics;
    // the clock is read before the result is mapped, so the call's time holds none of ours
    const endedAt = timeArg(at, 'end(at)', diagnostics);
    this.succeed(sanitizeModelCallEnd(result, diagnostics), endedAt);
  }

  fail(error: unknown, result?: ModelCallEnd, at?: number): void {
    if (this.done) return;
    this.done = true;
    this._scope?.release();
    const diagnostics = this.owner._diagnostics;
    const endedAt = timeArg(at, 'fail(at)', diagnostics);
    this.failed(error, sanitizeModelCallEnd(result, diagnostics), endedAt);
  }

  /**
   * @internal Ends a call recorded after the fact (`recordModelCall`), whose result and times were
   * sanitized with the rest of its fields: sanitizing them again would map its usage twice.
   */
  _settle(recorded: RecordedModelCall): void {
    if (this.done) return;
    this.done = true;
    if (recorded.error !== undefined) this.failed(recorded.error, recorded, recorded.endedAt);
    else this.succeed(recorded, recorded.endedAt);
  }

  private succeed(result: ModelCallEnd, at: number): void {
    const outcome = this.settleAttempts(false, result.model, at);
    this.owner._addModelCall(this.build('success', result, undefined, at, outcome), this);
  }

  private failed(error: unknown, result: ModelCallEnd, at: number): void {
    this.owner._markCounted(error);
    const outcome = this.settleAttempts(true, result.model, at);
    let info = classifyError(error);
    // an error that names no status (a framework's span error) is classified by the status its
    // last HTTP attempt got, when that attempt is the call's outcome
    if (info.category === 'unknown' && info.status === undefined && outcome?.status !== undefined)
      info = { ...classifyHttpStatus(outcome.status), name: info.name, message: info.message };
    const status = result.status ?? info.status ?? outcome?.status;
    this.owner._addModelCall(
      this.build('error', status === undefined ? result : { ...result, status }, info, at, outcome),
      this,
    );
  }

  /** @internal closes a call the invocation outlived */
  _abandon(at: number): void {
    if (this.done) return;
    this.done = true;
    this._scope?.release();
    const outcome = this.settleAttempts(false, undefined, at);
    this.owner._addModelCall(this.build('unfinished', {}, undefined, at, outcome), this);
  }

  /**
   * Records each failed HTTP attempt before the outcome as a model call of its own and returns
   * where the outcome's attempt begins: the first request after the last failure, so the client's
   * backoff is not model time. When the call failed and so did its last attempt, that attempt is
   * the outcome itself (recorded once, with the error the caller saw). `undefined`: no failed
   * attempt was seen, the call is timed as given.
   */
  private settleAttempts(
    callFailed: boolean,
    model: string | undefined,
    at: number,
  ): OutcomeAttempt | undefined {
    const attempts = this.attempts?.attempts();
    if (attempts === undefined) return undefined;
    const lastFailed = attempts.findLastIndex(isFailedAttempt);
    if (lastFailed < 0) return undefined;
    const outcomeIsLast = callFailed && lastFailed === attempts.length - 1;
    let number = this.start.attempt ?? 1;
    for (let i = 0; i < lastFailed + (outcomeIsLast ? 0 : 1); i++) {
      const attempt = attempts[i]!;
      if (isFailedAttempt(attempt))
        this.owner._addModelCall(this.failedAttempt(attempt, number++, model, at), this);
    }
    if (outcomeIsLast) {
      const own = attempts[lastFailed]!;
      return { startedAt: own.startedAt, attempt: number, status: own.status };
    }
    const failure = attempts[lastFailed]!;
    const failedAt = failure.endedAt ?? failure.startedAt;
    const next = attempts.find((attempt, i) => i > lastFailed && attempt.startedAt >= failedAt);
    return { startedAt: next ? next.startedAt : Math.min(failedAt, at), attempt: number, status: undefined };
  }

  private failedAttempt(
    attempt: HttpAttempt,
    number: number,
    model: string | undefined,
    at: number,
  ): ModelCallRecord {
    const record: { -readonly [K in keyof ModelCallRecord]: ModelCallRecord[K] } = {
      attempt: number,
      startedAt: attempt.startedAt,
      endedAt: Math.max(attempt.endedAt ?? at, attempt.startedAt),
      streamed: this.start.streamed === true,
      outcome: 'error',
    };
    const name = model ?? this.start.model;
    if (name !== undefined) record.model = name;
    if (this.start.provider !== undefined) record.provider = this.start.provider;
    if (attempt.status !== undefined) record.status = attempt.status;
    record.error =
      attempt.status !== undefined ? classifyHttpStatus(attempt.status) : classifyError(attempt.error);
    return Object.freeze(record);
  }

  private build(
    outcome: ModelCallRecord['outcome'],
    result: ModelCallEnd,
    error: ErrorInfo | undefined,
    endedAt: number,
    attempt: OutcomeAttempt | undefined,
  ): ModelCallRecord {
    const start = this.start;
    const startedAt = attempt === undefined ? this.startedAt : Math.max(this.startedAt, attempt.startedAt);
    this.lastAttempt = attempt === undefined ? (start.attempt ?? 1) : attempt.attempt;
    const record: {
      -readonly [K in keyof ModelCallRecord]: ModelCallRecord[K];
    } = {
      attempt: this.lastAttempt,
      startedAt,
      endedAt: Math.max(endedAt, startedAt),
      streamed: start.streamed === true || this.firstTokenAt !== undefined,
      outcome,
    };
    const model = result.model ?? start.model;
    if (model !== undefined) record.model = model;
    if (start.provider !== undefined) record.provider = start.provider;
    if (this.firstTokenAt !== undefined) record.firstTokenAt = this.firstTokenAt;
    if (result.usage !== undefined) record.usage = result.usage;
    if (result.status !== undefined) record.status = result.status;
    if (error !== undefined) record.error = error;
    return Object.freeze(record);
  }
}

/** A tool execution in flight; its HTTP requests are never model attempts. */
export class ToolCall implements AttemptScope {
  declare private done: boolean;
  /** @internal the handle entered as the caller's attempt scope (`startToolCall`) */
  declare _scope: ScopeHandle | undefined;

  constructor(
    private readonly owner: InvocationRecorder,
    private readonly start: { name: string; type: ToolType; callId?: string; startedAt: number },
  ) {
    this.done = false;
    this._scope = undefined;
  }

  get ended(): boolean {
    return this.done;
  }

  /** @internal A tool's requests are not model calls. */
  attemptLog(): null {
    return null;
  }

  end(at?: number): void {
    this.finish('success', undefined, at);
  }

  fail(error?: unknown, at?: number): void {
    this.finish('failure', error === undefined ? undefined : classifyError(error), at);
  }

  /** @internal */
  _abandon(at: number): void {
    this.finish(
      'failure',
      { category: 'unknown', name: 'Unfinished', message: 'the invocation ended before the tool did' },
      at,
    );
  }

  private finish(
    outcome: 'success' | 'failure',
    error: ErrorInfo | undefined,
    end: number | undefined,
  ): void {
    if (this.done) return;
    this.done = true;
    this._scope?.release();
    const at = timeArg(end, 'tool call end time', this.owner._diagnostics);
    const { name, type, callId, startedAt } = this.start;
    const record: { -readonly [K in keyof ToolCallRecord]: ToolCallRecord[K] } = {
      name,
      type,
      startedAt,
      endedAt: Math.max(at, startedAt),
      outcome,
    };
    if (callId !== undefined) record.callId = callId;
    if (error !== undefined) record.error = error;
    this.owner._addToolCall(Object.freeze(record), this);
  }
}

/**
 * Accumulates one agent invocation (or a member run inside one) and turns it into an immutable
 * `InvocationRecord` when it ends. Nothing here throws into the caller; events after `end()` are
 * ignored and reported as diagnostics.
 */
export class InvocationRecorder {
  declare readonly runId: string;
  declare readonly startedAt: number;
  declare readonly parent: InvocationRecorder | undefined;
  declare private readonly options: InvocationOptions;
  declare private readonly shared: Shared;
  /** @internal the channel misuse is reported on (a field, not a getter: it is read on every call) */
  declare readonly _diagnostics: Diagnostics | undefined;
  declare private readonly memberKind: MemberKind | undefined;
  declare private readonly modelCalls: ModelCallRecord[];
  declare private readonly toolCalls: ToolCallRecord[];
  declare private readonly guardrailTrips: GuardrailTripRecord[];
  declare private readonly errors: ErrorInfo[];
  declare private readonly members: InvocationRecord[];
  declare private readonly open: OpenItems<ModelCall | ToolCall | InvocationRecorder>;
  declare private record: InvocationRecord | undefined;

  constructor(
    options: InvocationOptions = {},
    hooks: RecorderHooks = {},
    parent?: { recorder: InvocationRecorder; kind: MemberKind },
  ) {
    if (!templateKept) {
      templateKept = true;
      keepShapes(templateRun);
    }
    hooks = typeof hooks === 'object' && hooks !== null ? hooks : {};
    options = sanitizeInvocationOptions(options, (parent ? parent.recorder.shared.hooks : hooks).diagnostics);
    if (!parent && hooks.defaults) options = withDefaults(options, hooks.defaults);
    this.options = options;
    this.runId = options.runId ?? randomUUID();
    this.startedAt = options.startedAt ?? now();
    this.parent = parent?.recorder;
    this.memberKind = parent?.kind;
    this.shared = parent ? parent.recorder.shared : { hooks, countedErrors: undefined };
    this._diagnostics = this.shared.hooks.diagnostics;
    this.modelCalls = [];
    this.toolCalls = [];
    this.guardrailTrips = [];
    this.errors = [];
    this.members = [];
    this.open = new OpenItems();
    this.record = undefined;
    // the HTTP attempts of its model calls are seen from the first run on (idempotent)
    observeHttpAttempts();
  }

  get ended(): boolean {
    return this.record !== undefined;
  }

  get providerType(): ProviderType {
    return this.options.providerType ?? this.parent?.providerType ?? 'CUSTOM_PROVIDER';
  }

  /** The top-level invocation this recorder belongs to (itself when it is not a member run). */
  get root(): InvocationRecorder {
    return this.parent ? this.parent.root : this;
  }

  /**
   * Starts a model call (its `start` fields are read once, here). The
   * call becomes the attempt scope of the caller: the HTTP requests it goes on to make are its
   * attempts (see `ModelCall`).
   */
  startModelCall(start: ModelCallStart = {}): ModelCall {
    start = sanitizeModelCallStart(start, this._diagnostics);
    const call = new ModelCall(this, start, start.startedAt ?? now());
    if (this.record === undefined) this.open.add(call);
    else this.lateEvent('model call start');
    call._scope = new ScopeHandle(call);
    enterAttemptScope(call._scope);
    return call;
  }

  /** Records a model call known after the fact (from a span or an event with both timestamps). */
  recordModelCall(call: RecordedModelCall): void {
    call = sanitizeRecordedModelCall(call, this._diagnostics);
    const handle = new ModelCall(this, call, call.startedAt);
    if (call.attempts !== undefined) handle._adoptAttempts(call.attempts);
    if (call.firstTokenAt !== undefined) handle.firstToken(call.firstTokenAt);
    handle._settle(call);
  }

  /** Starts a tool call; it becomes the attempt scope of the caller (its requests are not model calls). */
  startToolCall(start: ToolCallStart): ToolCall {
    const call = this.newToolCall(start);
    if (this.record === undefined) this.open.add(call);
    else this.lateEvent('tool call start');
    call._scope = new ScopeHandle(call);
    enterAttemptScope(call._scope);
    return call;
  }

  private newToolCall(start: ToolCallStart): ToolCall {
    const tool = sanitizeToolCallStart(start, this._diagnostics) as ToolCallStart & {
      type: ToolType;
      startedAt: number;
    };
    const toolTypes = this.shared.hooks.toolTypes;
    // the error callback is made only for a run that has an override to call
    tool.type =
      toolTypes === undefined
        ? resolveToolType(tool.name, tool.type)
        : resolveToolType(tool.name, tool.type, toolTypes, (error) =>
            reportHookError(this._diagnostics, 'the toolTypes override', error),
          );
    tool.startedAt ??= now();
    return new ToolCall(this, tool);
  }

  /** Records a tool call known after the fact, including one that failed before it could run. */
  recordToolCall(
    call: ToolCallStart & { endedAt?: number; outcome: 'success' | 'failure'; error?: unknown },
  ): void {
    if (!this.acceptsEvents('tool call')) return;
    call = sanitizeRecordedToolCall(call, this._diagnostics);
    const at = call.endedAt ?? now();
    const handle = this.newToolCall({ ...call, startedAt: call.startedAt ?? at });
    if (call.outcome === 'success') handle.end(at);
    else handle.fail(call.error, at);
  }

  recordGuardrailTrip(trip: { name: string; kind?: string; at?: number }): void {
    if (!this.acceptsEvents('guardrail trip') || this.guardrailTrips.length >= MAX_ITEMS) return;
    trip = sanitizeGuardrailTrip(trip, this._diagnostics);
    const record: { -readonly [K in keyof GuardrailTripRecord]: GuardrailTripRecord[K] } = {
      name: trip.name,
      at: trip.at ?? now(),
    };
    if (trip.kind !== undefined) record.kind = trip.kind;
    this.guardrailTrips.push(Object.freeze(record));
  }

  /** Records an error outside model calls (a tool's or the host's) that failed this run. */
  recordError(error: unknown): void {
    if (!this.acceptsEvents('error') || this.errors.length >= MAX_ITEMS) return;
    if (this.shared.countedErrors && errorChainSeen(error, this.shared.countedErrors)) return;
    this._markCounted(error);
    this.errors.push(classifyError(error));
  }

  /** Starts a sub-agent, handoff or team-member run whose calls roll into this invocation. */
  startMemberRun(options: InvocationOptions & { kind: MemberKind }): InvocationRecorder {
    const memberOptions = sanitizeMemberOptions(options, this._diagnostics);
    memberOptions.providerType ??= this.providerType;
    const member = new InvocationRecorder(memberOptions, {}, { recorder: this, kind: memberOptions.kind });
    if (this.acceptsEvents('member run start')) this.open.add(member);
    return member;
  }

  /**
   * Ends the run, successfully or with the error it threw. An error already counted on a model
   * call is not counted again; `countError: false` records the outcome without counting it
   * (e.g. a guardrail tripwire, counted as a guardrail hit instead).
   */
  end(
    options: { error?: unknown; endedAt?: number; countError?: boolean } = {},
  ): InvocationRecord | undefined {
    if (this.record) {
      this.lateEvent('end');
      return this.record;
    }
    options = sanitizeEndOptions(options, this._diagnostics);
    const endedAt = Math.max(options.endedAt ?? now(), this.startedAt);
    const failed = 'error' in options && options.error !== undefined;
    if (this.open.size > 0) {
      for (const item of this.open.snapshot()) {
        if (item instanceof InvocationRecorder)
          item.end(failed ? { endedAt, error: options.error, countError: false } : { endedAt });
        else item._abandon(endedAt);
      }
    }
    let error: ErrorInfo | undefined;
    if (failed) {
      error = classifyError(options.error);
      if (options.countError !== false) this.recordError(options.error);
    }
    const { name, sessionId, model, metadata } = this.options;
    // assigned one by one (not spread), in the order of the record's fields: this runs once per
    // invocation, usually before the optimizing compiler has seen it
    const base: { -readonly [K in keyof InvocationRecord]?: InvocationRecord[K] } = { runId: this.runId };
    if (this.parent) base.parentRunId = this.parent.runId;
    if (this.memberKind) base.memberKind = this.memberKind;
    if (name !== undefined) base.name = name;
    base.providerType = this.providerType;
    if (sessionId !== undefined) base.sessionId = sessionId;
    if (model !== undefined) base.model = model;
    base.startedAt = this.startedAt;
    base.endedAt = endedAt;
    base.durationMs = endedAt - this.startedAt;
    base.outcome = failed ? 'error' : 'success';
    if (error) base.error = error;
    base.modelCalls = this.modelCalls.length === 0 ? NONE : Object.freeze(this.modelCalls);
    base.toolCalls = this.toolCalls.length === 0 ? NONE : Object.freeze(this.toolCalls);
    base.guardrailTrips = this.guardrailTrips.length === 0 ? NONE : Object.freeze(this.guardrailTrips);
    base.errors = this.errors.length === 0 ? NONE : Object.freeze(this.errors);
    base.members = this.members.length === 0 ? NONE : Object.freeze(this.members);
    if (metadata) base.metadata = Object.freeze({ ...metadata });
    const record = base as InvocationRecord & { summary: InvocationRecord['summary'] };
    record.summary = summarizeInvocation(record, { includeMembers: true });
    this.record = Object.freeze(record);
    if (this.parent) {
      this.parent._addMember(this);
    } else if (this.shared.hooks.onEnd) {
      try {
        this.shared.hooks.onEnd(this.record);
      } catch (e) {
        this.shared.hooks.diagnostics?.reportError('recorder', e, 'delivering a finished invocation failed');
      }
    }
    return this.record;
  }

  /** @internal */
  _addModelCall(call: ModelCallRecord, handle: ModelCall): void {
    this.open.delete(handle);
    if (this.record !== undefined) this.lateEvent('model call end');
    else if (this.modelCalls.length < MAX_ITEMS) this.modelCalls.push(call);
  }

  /** @internal */
  _addToolCall(call: ToolCallRecord, handle: ToolCall): void {
    this.open.delete(handle);
    if (this.record !== undefined) this.lateEvent('tool call end');
    else if (this.toolCalls.length < MAX_ITEMS) this.toolCalls.push(call);
  }

  /** @internal */
  _addMember(member: InvocationRecorder): void {
    this.open.delete(member);
    if (member.record && !this.record && this.members.length < MAX_ITEMS) this.members.push(member.record);
  }

  /** @internal notes an error as counted, so the run's own error is not counted again */
  _markCounted(error: unknown): void {
    if (typeof error !== 'object' || error === null) return;
    this.shared.countedErrors ??= new WeakSet();
    this.shared.countedErrors.add(error);
  }

  private acceptsEvents(what: string): boolean {
    if (!this.record) return true;
    this.lateEvent(what);
    return false;
  }

  private lateEvent(what: string): void {
    this.shared.hooks.diagnostics?.emit({
      type: 'recorder.late-event',
      level: 'debug',
      source: 'recorder',
      message: `${what} arrived after invocation ${this.runId} ended and was ignored`,
    });
  }
}

/**
 * A finished run of one streamed model call with usage and one tool call, built the way an adapter
 * builds one: the objects `keepShapes` keeps so that the recorder's optimized code outlives major
 * collections.
 */
function templateRun(): unknown[] {
  const run = new InvocationRecorder({ providerType: 'CUSTOM_PROVIDER', model: 'model' });
  const call = run.startModelCall({ model: 'model', provider: 'provider' });
  // the HTTP request the call made: its log and its attempt
  const attempt = call.attemptLog().begin('http://127.0.0.1:1', now(), '/v1/chat/completions');
  if (attempt !== undefined) {
    attempt.endedAt = now();
    attempt.status = 200;
  }
  call.firstToken();
  const usage = fromOpenAIChatUsage({ prompt_tokens: 2, completion_tokens: 1, total_tokens: 3 });
  call.end({ usage, model: 'model' });
  const tool = run.startToolCall({ name: 'tool', type: 'api' });
  tool.end();
  run.end();
  // the summary's running sum is dropped when the run ends: one is kept of its own
  const total = new UsageTotal();
  total.add(usage);
  total.add(usage);
  return [run, call, tool, usage, total, total.toUsage()];
}
