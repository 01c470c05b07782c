import { type InvocationRecorder, type Metrics, now, type Usage } from '@metrics/core';
import { AttemptLog } from '@metrics/core/adapter';
import { isMcpSpan, readModelSpan, type SpanLike, spanName, turnUsage } from './span-reading.js';

const PROVIDER_TYPE = 'OPENAI_AGENTS_SDK';

/** A model request seen on its span, kept until its turn ends when its own span had no usage. */
interface ModelRequest {
  startedAt: number;
  endedAt: number | undefined;
  log: AttemptLog | undefined;
  target: InvocationRecorder;
  model: string | undefined;
  usage: Usage | undefined;
  error: Error | undefined;
}

/** Every field set from the start: one object shape, no field added when the request ends. */
function newRequest(target: InvocationRecorder): ModelRequest {
  return {
    startedAt: now(),
    endedAt: undefined,
    log: undefined,
    target,
    model: undefined,
    usage: undefined,
    error: undefined,
  };
}

/**
 * One trace turned into one invocation record: agent spans become the run (the first) and its
 * member runs (a later top-level agent: a handoff; an agent under another one's span: an agent
 * used as a tool), model-request spans model calls, function spans tool calls, guardrail spans
 * trips. Every span goes to the run of its nearest agent span.
 */
export class TraceRun {
  private root: InvocationRecorder | undefined;
  private readonly startedAt = now();
  private readonly parents = new Map<string, string | null>();
  private readonly agents = new Map<string, InvocationRecorder>();
  private readonly requests = new Map<string, ModelRequest>();
  private readonly toolsStartedAt = new Map<string, number>();
  private readonly turns = new Set<string>();
  /** Model requests whose span carried no usage, by the turn span they ran in (made at the first). */
  private awaitingTurn: Map<string, ModelRequest[]> | undefined;
  private failedModelCalls = 0;
  private trips = 0;
  private runError: Error | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly trace: { name?: string; groupId?: string | null },
  ) {}

  /**
   * The attempt log of the model request `spanId` (requests made under its span are its attempts),
   * made at its first request: most spans see none (`undefined` for a span that is no model request).
   */
  attemptLogOf(spanId: string): AttemptLog | undefined {
    const request = this.requests.get(spanId);
    if (request === undefined) return undefined;
    request.log ??= new AttemptLog();
    return request.log;
  }

  // A span's fields are getters of the SDK's `Span` class (a call each): read once, passed on.
  /** `type`: the span's `spanData.type`, which the processor read already. */
  spanStarted(span: SpanLike, type: string): void {
    const spanId = span.spanId;
    const parentId = span.parentId;
    this.parents.set(spanId, parentId);
    if (type === 'agent') this.agentStarted(span);
    else if (type === 'generation' || type === 'response')
      this.requests.set(spanId, newRequest(this.runAbove(parentId)));
    else if (type === 'function') this.toolsStartedAt.set(spanId, now());
    else if (type === 'turn') this.turns.add(spanId);
  }

  spanEnded(span: SpanLike, type: string): void {
    if (type === 'generation' || type === 'response') this.modelRequestEnded(span);
    else if (type === 'function') this.toolEnded(span);
    else if (type === 'turn') this.turnEnded(span);
    else if (type === 'guardrail') this.guardrailEnded(span);
    else if (type === 'agent') this.agentEnded(span);
    else if (type === 'task' && span.error && !this.parentOf(span))
      this.runError ??= new Error(span.error.message);
  }

  /** Ends the record: model requests still waiting for their turn, open member runs, the run. */
  finish(): void {
    if (this.awaitingTurn) for (const key of [...this.awaitingTurn.keys()]) this.settleTurn(key, undefined);
    for (const [spanId, member] of this.agents) if (member !== this.root) this.endMember(spanId, member);
    const root = this.ensureRoot();
    if (this.runError === undefined) root.end();
    else root.end({ error: this.runError, countError: this.failedModelCalls === 0 && this.trips === 0 });
  }

  private ensureRoot(name?: string): InvocationRecorder {
    // `undefined` fields are read as absent
    this.root ??= this.metrics.startInvocation({
      providerType: PROVIDER_TYPE,
      startedAt: this.startedAt,
      name,
      sessionId: typeof this.trace.groupId === 'string' ? this.trace.groupId : undefined,
    });
    return this.root;
  }

  private parentOf(span: SpanLike): string | null {
    return this.parents.get(span.spanId) ?? span.parentId;
  }

  /** The recorder of the nearest agent span above `span` (the run itself when there is none). */
  private runOf(span: SpanLike): InvocationRecorder {
    return this.runAbove(this.parentOf(span));
  }

  /** The recorder of the nearest agent span from `id` up (the run itself when there is none). */
  private runAbove(parentId: string | null): InvocationRecorder {
    let id = parentId;
    for (let depth = 0; id && depth < 64; depth++) {
      const agent = this.agents.get(id);
      if (agent) return agent;
      id = this.parents.get(id) ?? null;
    }
    return this.ensureRoot();
  }

  private agentStarted(span: SpanLike): void {
    const name = spanName(span);
    if (!this.root) {
      this.agents.set(span.spanId, this.ensureRoot(name));
      return;
    }
    const above = this.runOf(span);
    const nested = above !== this.root || this.hasAgentAbove(span);
    const member = nested
      ? above.startMemberRun({ kind: 'subagent', name })
      : this.root.startMemberRun({ kind: 'handoff', name });
    this.agents.set(span.spanId, member);
  }

  private hasAgentAbove(span: SpanLike): boolean {
    let id = this.parentOf(span);
    for (let depth = 0; id && depth < 64; depth++) {
      if (this.agents.has(id)) return true;
      id = this.parents.get(id) ?? null;
    }
    return false;
  }

  private agentEnded(span: SpanLike): void {
    const member = this.agents.get(span.spanId);
    if (member === this.root) {
      if (span.error && span.error.message !== 'Guardrail tripwire triggered')
        this.runError ??= new Error(span.error.message);
      return;
    }
    if (member) this.endMember(span.spanId, member);
  }

  private endMember(spanId: string, member: InvocationRecorder): void {
    this.agents.delete(spanId);
    member.end();
  }

  private modelRequestEnded(span: SpanLike): void {
    const spanId = span.spanId;
    const request = this.requests.get(spanId);
    if (!request) return;
    this.requests.delete(spanId);
    const { model, usage } = readModelSpan(span);
    request.endedAt = now();
    if (model !== undefined) request.model = model;
    const error = span.error;
    if (error) {
      request.error = new Error(error.message);
      this.failedModelCalls++;
    }
    if (usage !== undefined) request.usage = usage;
    const turn = this.parents.get(spanId) ?? span.parentId;
    if (usage === undefined && !error && turn && this.turns.has(turn)) {
      this.awaitingTurn ??= new Map();
      const waiting = this.awaitingTurn.get(turn);
      if (waiting) waiting.push(request);
      else this.awaitingTurn.set(turn, [request]);
    } else this.recordRequest(request);
  }

  // the recorder reads an `undefined` field as an absent one: one literal, no spread objects
  private recordRequest(request: ModelRequest): void {
    request.target.recordModelCall({
      startedAt: request.startedAt,
      endedAt: request.endedAt ?? now(),
      attempts: request.log,
      model: request.model,
      usage: request.usage,
      error: request.error,
    });
  }

  /**
   * A turn ended: its usage goes to the last model request of the turn that had none of its own.
   * Read only when a request waits for it (a turn's usage is most often never needed).
   */
  private turnEnded(span: SpanLike): void {
    this.turns.delete(span.spanId);
    if (this.awaitingTurn?.has(span.spanId)) this.settleTurn(span.spanId, turnUsage(span));
  }

  private settleTurn(turn: string, usage: Usage | undefined): void {
    const waiting = this.awaitingTurn?.get(turn) ?? [];
    this.awaitingTurn?.delete(turn);
    const last = waiting[waiting.length - 1];
    if (last && usage) last.usage = usage;
    for (const request of waiting) this.recordRequest(request);
  }

  private toolEnded(span: SpanLike): void {
    const spanId = span.spanId;
    const startedAt = this.toolsStartedAt.get(spanId);
    this.toolsStartedAt.delete(spanId);
    this.runAbove(this.parents.get(spanId) ?? span.parentId).recordToolCall({
      name: spanName(span) ?? 'tool',
      type: isMcpSpan(span) ? 'mcp' : 'api',
      startedAt, // `undefined`: the end's time
      endedAt: now(),
      outcome: span.error ? 'failure' : 'success',
    });
  }

  private guardrailEnded(span: SpanLike): void {
    if (span.spanData.triggered !== true) return;
    this.trips++;
    this.runOf(span).recordGuardrailTrip({ name: spanName(span) ?? 'guardrail' });
  }
}
