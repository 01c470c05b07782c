import type { InitExporterOptions, ObservabilityExporter, TracingEvent } from '@mastra/core/observability';
import {
  type InvocationRecorder,
  type Metrics,
  type ModelCallStart,
  fromMastraSpanUsage,
} from '@metrics/core';
import { currentSpan, loadAmbientSpan, spanChain } from './ambient-span.js';
import {
  type AttemptSink,
  type ModelAttempt,
  observeModelConfig,
  recordAttempt,
  registerSinkResolver,
} from './model-observer.js';
import { type MastraMetricsOptions, SOURCE, toMetrics } from './options.js';
import { type SpanLike, epochMs, spanError, stepWasStreamed, stringField, toolName } from './span-reading.js';

/** Mastra instances an exporter of this package was registered on (the standalone wrapper defers to it). */
export const instrumentedMastras = new WeakSet<object>();

/** Exporters not shut down: a `withMetrics` agent called inside one of their runs joins that run. */
const liveExporters = new Set<MastraMetricsExporter>();

/** The run (of any live exporter) whose span Mastra is executing now, as a parent for a member run. */
export function exporterRunForCurrentSpan(): { recorder: InvocationRecorder; inTool: boolean } | undefined {
  for (const exporter of liveExporters) {
    const found = exporter.runForCurrentSpan();
    if (found) return found;
  }
  return undefined;
}

const MAX_SPANS_PER_TRACE = 20_000;
const MAX_PENDING_ATTEMPTS = 64;
const OBSERVED_AGENT = Symbol.for('@metrics/mastra.observed-agent');

interface Inference {
  startedAt: number;
  endedAt: number;
  usage: unknown;
  model?: string;
  provider?: string;
  completionStartTime?: number;
  failed: boolean;
}

/** One agent run (top-level invocation or member run) being assembled. */
interface Run {
  recorder: InvocationRecorder;
  top: boolean;
  /** inference spans that ended, by their step span id, until the step ends */
  inferences: Map<string, Inference>;
  /** first tool start per step span id (Mastra's inference span also covers the step's tools) */
  firstToolStart: Map<string, number>;
  /** successful requests the model wrapper saw, not yet matched to an inference span */
  attempts: ModelAttempt[];
  lastFailedAttemptEnd?: number;
  modelFailed: boolean;
  trips: number;
  /** model and provider of the current generation span */
  generation?: { model?: string; provider?: string };
}

interface Trace {
  ids: string[];
  /** span id → the run it belongs to (tool and model spans included, chunks excluded) */
  owners: Map<string, Run>;
  toolSpans: Set<string>;
  openTop: number;
  createdAt: number;
}

/**
 * A Mastra observability exporter that turns every agent run into one metrics record:
 * `new Observability({ configs: { default: { serviceName, exporters: [new MastraMetricsExporter(options)] } } })`.
 */
export class MastraMetricsExporter implements ObservabilityExporter {
  readonly name = 'agent-metrics';
  readonly metrics: Metrics;
  private readonly traces = new Map<string, Trace>();
  private readonly maxOpenRuns: number;
  private readonly maxRunAgeMs: number;
  private readonly observeModels: boolean;
  private mastra: { listAgents?: () => unknown; getAgentById?: (id: string) => unknown } | undefined;
  private unregister: (() => void) | undefined;
  /** agent ids whose model was looked at (bounded: agents are few) */
  private readonly observedIds = new Set<string>();

  constructor(options: MastraMetricsOptions | Metrics = {}) {
    this.metrics = toMetrics(options);
    const opts = options as MastraMetricsOptions;
    this.maxOpenRuns = Math.max(1, opts.maxOpenRuns ?? 1000);
    this.maxRunAgeMs = Math.max(1, opts.maxRunAgeMs ?? 30 * 60_000);
    this.observeModels = opts.observeModels !== false;
    void loadAmbientSpan();
    this.unregister = registerSinkResolver(() => this.sinkForCurrentSpan());
    liveExporters.add(this);
  }

  /** Called by Mastra with the instance this exporter serves. */
  init(options: InitExporterOptions): void {
    this.guard(() => {
      const mastra = options?.mastra as unknown as MastraMetricsExporter['mastra'];
      if (!mastra) return;
      this.mastra = mastra;
      instrumentedMastras.add(mastra);
      if (!this.observeModels) return;
      const agents = mastra.listAgents?.();
      if (agents && typeof agents === 'object')
        for (const agent of Object.values(agents)) this.observeAgent(agent);
    });
  }

  async exportTracingEvent(event: TracingEvent): Promise<void> {
    this.handle(event);
  }

  async flush(): Promise<void> {
    await this.metrics.flush();
  }

  async shutdown(): Promise<void> {
    liveExporters.delete(this);
    this.unregister?.();
    this.unregister = undefined;
    for (const trace of new Set(this.traces.values())) this.closeTrace(trace, 'shutdown');
    await this.metrics.shutdown();
  }

  /** Synchronous entry point, also usable directly with recorded events. */
  handle(event: { type: string; exportedSpan: unknown }): void {
    const span = event?.exportedSpan as SpanLike | undefined;
    if (
      !span ||
      span.type === 'model_chunk' ||
      typeof span.id !== 'string' ||
      typeof span.traceId !== 'string'
    )
      return;
    if (event.type === 'span_started') {
      if (span.type !== 'agent_run' && this.traces.size === 0) return;
      this.guard(() => this.started(span));
    } else if (event.type === 'span_ended') {
      if (this.traces.size === 0) return;
      this.guard(() => this.ended(span));
    }
  }

  private started(span: SpanLike): void {
    const trace = this.traces.get(span.traceId);
    if (span.type === 'agent_run') {
      this.startRun(span, trace);
      return;
    }
    if (!trace) return;
    const owner = span.parentSpanId ? trace.owners.get(span.parentSpanId) : undefined;
    if (!owner || trace.owners.size >= MAX_SPANS_PER_TRACE) return;
    trace.owners.set(span.id, owner);
    if (span.type === 'model_generation') {
      const model = stringField(span.attributes, 'model');
      const provider = stringField(span.attributes, 'provider');
      owner.generation = {
        ...(model !== undefined ? { model } : {}),
        ...(provider !== undefined ? { provider } : {}),
      };
    }
    if (span.type === 'tool_call' || span.type === 'mcp_tool_call') {
      trace.toolSpans.add(span.id);
      const at = epochMs(span.startTime);
      if (span.parentSpanId && at !== undefined) {
        const first = owner.firstToolStart.get(span.parentSpanId);
        if (first === undefined || at < first) owner.firstToolStart.set(span.parentSpanId, at);
      }
    }
  }

  private startRun(span: SpanLike, known: Trace | undefined): void {
    let trace = known;
    let parent: Run | undefined;
    let parentIsTool = false;
    if (trace && span.parentSpanId) {
      parent = trace.owners.get(span.parentSpanId);
      parentIsTool = trace.toolSpans.has(span.parentSpanId);
    }
    if (!parent) {
      // An agent called from a tool without its tracing context starts a trace of its own;
      // Mastra's ambient span still tells which tool (of which run) it was called from.
      for (const live of spanChain(currentSpan())) {
        const candidate = live.traceId ? this.traces.get(live.traceId) : undefined;
        const run = live.id ? candidate?.owners.get(live.id) : undefined;
        if (candidate && run) {
          parent = run;
          parentIsTool = candidate.toolSpans.has(live.id as string);
          if (!trace) {
            // the new trace joins the caller's: its spans are looked up there, and forgotten with it
            trace = candidate;
            trace.ids.push(span.traceId);
            this.traces.set(span.traceId, trace);
          }
          break;
        }
      }
    }
    const startedAt = epochMs(span.startTime);
    const name = span.entityName ?? span.entityId;
    if (
      this.observeModels &&
      span.entityId &&
      this.mastra &&
      !this.observedIds.has(span.entityId) &&
      this.observedIds.size < 10_000
    ) {
      this.observedIds.add(span.entityId);
      this.observeAgent(this.mastra.getAgentById?.(span.entityId));
    }
    if (parent && trace) {
      const recorder = parent.recorder.startMemberRun({
        kind: parentIsTool ? 'tool-agent' : 'subagent',
        ...(name !== undefined ? { name } : {}),
        ...(startedAt !== undefined ? { startedAt } : {}),
      });
      trace.owners.set(span.id, newRun(recorder, false));
      return;
    }
    if (!trace) {
      this.evictForNewTrace();
      trace = {
        ids: [span.traceId],
        owners: new Map(),
        toolSpans: new Set(),
        openTop: 0,
        createdAt: Date.now(),
      };
      this.traces.set(span.traceId, trace);
    }
    const sessionId =
      stringField(span.metadata, 'threadId') ?? stringField(span.attributes, 'conversationId');
    const recorder = this.metrics.startInvocation({
      providerType: 'MASTRA',
      ...(name !== undefined ? { name } : {}),
      ...(sessionId !== undefined ? { sessionId } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
    });
    trace.owners.set(span.id, newRun(recorder, true));
    trace.openTop++;
  }

  private ended(span: SpanLike): void {
    const trace = this.traces.get(span.traceId);
    if (!trace) return;
    const run =
      trace.owners.get(span.id) ?? (span.parentSpanId ? trace.owners.get(span.parentSpanId) : undefined);
    if (!run) return;
    const startedAt = epochMs(span.startTime);
    const endedAt = epochMs(span.endTime) ?? Date.now();
    switch (span.type) {
      case 'model_inference': {
        const inference = readInference(span, startedAt ?? endedAt, endedAt, run.generation);
        const key = span.parentSpanId ?? span.id;
        const previous = run.inferences.get(key);
        if (previous) this.recordInference(run, previous, undefined, undefined);
        run.inferences.set(key, inference);
        return;
      }
      case 'model_step': {
        // Mastra versions without inference spans: the step (same usage) stands in for it.
        let inference = run.inferences.get(span.id);
        if (!inference && typeof span.attributes?.finishReason === 'string')
          inference = readInference(span, startedAt ?? endedAt, endedAt, run.generation);
        if (!inference) return;
        run.inferences.delete(span.id);
        this.recordInference(run, inference, stepWasStreamed(span.metadata), run.firstToolStart.get(span.id));
        run.firstToolStart.delete(span.id);
        return;
      }
      case 'tool_call':
      case 'mcp_tool_call': {
        const error = spanError(span);
        const failed = span.attributes?.success === false || error !== undefined;
        run.recorder.recordToolCall({
          name: toolName(span),
          type: span.type === 'mcp_tool_call' ? 'mcp' : 'api',
          ...(typeof span.attributes?.toolCallId === 'string' ? { callId: span.attributes.toolCallId } : {}),
          startedAt: startedAt ?? endedAt,
          endedAt,
          outcome: failed ? 'failure' : 'success',
          ...(error ? { error } : {}),
        });
        return;
      }
      case 'processor_run': {
        const trip = span.attributes?.tripwireAbort as { processorId?: unknown } | undefined;
        if (trip) {
          run.trips++;
          run.recorder.recordGuardrailTrip({
            name: processorName(span, trip),
            kind: 'processor',
            at: endedAt,
          });
        }
        return;
      }
      case 'agent_run': {
        if (trace.owners.get(span.id) !== run) return;
        this.endRun(trace, run, span, endedAt);
        return;
      }
      default:
        return;
    }
  }

  private endRun(trace: Trace, run: Run, span: SpanLike, endedAt: number): void {
    for (const [key, inference] of run.inferences) {
      this.recordInference(run, inference, undefined, run.firstToolStart.get(key));
    }
    run.inferences.clear();
    const trip = span.attributes?.tripwireAbort as { processorId?: unknown } | undefined;
    if (trip && run.trips === 0) {
      run.recorder.recordGuardrailTrip({ name: processorName(span, trip), kind: 'processor', at: endedAt });
    }
    const error = spanError(span);
    if (error) run.recorder.end({ error, endedAt, countError: !run.modelFailed });
    else run.recorder.end({ endedAt });
    if (!run.top) return;
    trace.openTop--;
    if (trace.openTop <= 0) this.forget(trace);
  }

  /** Records one model call from an inference span, matched with what the model wrapper saw. */
  private recordInference(
    run: Run,
    inference: Inference,
    streamedHint: boolean | undefined,
    firstToolStart: number | undefined,
  ): void {
    const usage = fromMastraSpanUsage(inference.usage);
    if (inference.failed && !usage) {
      // A failed request: the model wrapper already recorded it with its status when it saw it.
      if (run.lastFailedAttemptEnd !== undefined && run.lastFailedAttemptEnd >= inference.startedAt - 5)
        return;
      run.modelFailed = true;
      run.recorder.recordModelCall({
        startedAt: inference.startedAt,
        endedAt: inference.endedAt,
        ...modelIds(inference),
        error: Object.assign(new Error('the model call failed'), { name: 'ModelCallError' }),
      });
      return;
    }
    const index = run.attempts.findIndex(
      (a) => a.startedAt >= inference.startedAt - 5 && a.startedAt <= inference.endedAt + 5,
    );
    const attempt = index >= 0 ? run.attempts.splice(index, 1)[0] : undefined;
    let startedAt = inference.startedAt;
    let endedAt = inference.endedAt;
    let streamed: boolean;
    let firstTokenAt: number | undefined;
    if (attempt) {
      startedAt = attempt.startedAt;
      endedAt = attempt.endedAt;
      streamed = attempt.streamed;
      firstTokenAt = attempt.firstTokenAt;
    } else {
      // Mastra's inference span also covers backoff before a retry and the step's tool calls.
      if (
        run.lastFailedAttemptEnd !== undefined &&
        run.lastFailedAttemptEnd > startedAt &&
        run.lastFailedAttemptEnd < endedAt
      )
        startedAt = run.lastFailedAttemptEnd;
      if (firstToolStart !== undefined && firstToolStart > startedAt && firstToolStart < endedAt)
        endedAt = firstToolStart;
      streamed = streamedHint ?? inference.completionStartTime !== undefined;
      const cst = inference.completionStartTime;
      if (streamed && cst !== undefined && cst >= startedAt && cst <= endedAt) firstTokenAt = cst;
    }
    const call: ModelCallStart & { startedAt: number; endedAt: number; firstTokenAt?: number } = {
      startedAt,
      endedAt,
      streamed,
      ...modelIds(inference),
    };
    if (firstTokenAt !== undefined) call.firstTokenAt = firstTokenAt;
    run.recorder.recordModelCall({
      ...call,
      ...(usage ? { usage } : {}),
      ...(attempt?.attempts ? { attempts: attempt.attempts } : {}),
    });
  }

  /** The model wrapper's sink for the run whose span Mastra is executing right now. */
  private sinkForCurrentSpan(): AttemptSink | undefined {
    const found = this.currentRun();
    if (!found) return undefined;
    const { run } = found;
    return (attempt) => this.guard(() => this.onAttempt(run, attempt));
  }

  /** @internal the run whose span Mastra is executing now, for `withMetrics` agents called inside it */
  runForCurrentSpan(): { recorder: InvocationRecorder; inTool: boolean } | undefined {
    const found = this.currentRun();
    return found && !found.run.recorder.ended
      ? { recorder: found.run.recorder, inTool: found.inTool }
      : undefined;
  }

  private currentRun(): { run: Run; inTool: boolean } | undefined {
    if (this.traces.size === 0) return undefined;
    const live = currentSpan();
    const trace = live?.traceId ? this.traces.get(live.traceId) : undefined;
    if (!trace) return undefined;
    for (const span of spanChain(live)) {
      const run = span.id ? trace.owners.get(span.id) : undefined;
      if (run) return { run, inTool: trace.toolSpans.has(span.id as string) };
    }
    return undefined;
  }

  private onAttempt(run: Run, attempt: ModelAttempt): void {
    if (attempt.error === undefined) {
      if (run.attempts.length < MAX_PENDING_ATTEMPTS) run.attempts.push(attempt);
      return;
    }
    run.modelFailed = true;
    run.lastFailedAttemptEnd = attempt.endedAt;
    recordAttempt(run.recorder, attempt);
  }

  private observeAgent(agent: unknown): void {
    if (typeof agent !== 'object' || agent === null) return;
    const target = agent as { model?: unknown; [OBSERVED_AGENT]?: boolean };
    if (target[OBSERVED_AGENT] || !('model' in target)) return;
    const wrapped = observeModelConfig(target.model);
    if (wrapped !== target.model) target.model = wrapped;
    Object.defineProperty(target, OBSERVED_AGENT, { value: true, configurable: true });
  }

  /** Keeps the map of open traces bounded: by count, and by age (checked when a trace opens). */
  private evictForNewTrace(): void {
    const now = Date.now();
    for (const trace of this.traces.values()) {
      const tooOld = now - trace.createdAt > this.maxRunAgeMs;
      if (!tooOld && this.openTraceCount() < this.maxOpenRuns) break;
      this.closeTrace(trace, tooOld ? 'too old' : 'too many open runs');
    }
  }

  private openTraceCount(): number {
    let count = 0;
    for (const [id, trace] of this.traces) if (trace.ids[0] === id) count++;
    return count;
  }

  private closeTrace(trace: Trace, why: string): void {
    this.forget(trace);
    const runs = new Set(trace.owners.values());
    for (const run of runs) {
      if (!run.top || run.recorder.ended) continue;
      this.metrics.diagnostics.emit({
        type: 'mastra.run-evicted',
        level: 'warn',
        source: SOURCE,
        message: `closed an agent run whose end was never seen (${why})`,
      });
      run.recorder.end();
    }
  }

  private forget(trace: Trace): void {
    for (const id of trace.ids) if (this.traces.get(id) === trace) this.traces.delete(id);
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
  }
}

function newRun(recorder: InvocationRecorder, top: boolean): Run {
  return {
    recorder,
    top,
    inferences: new Map(),
    firstToolStart: new Map(),
    attempts: [],
    modelFailed: false,
    trips: 0,
  };
}

function readInference(
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
  const cst = epochMs(attributes.completionStartTime);
  if (cst !== undefined) inference.completionStartTime = cst;
  return inference;
}

function modelIds(inference: Inference): { model?: string; provider?: string } {
  return {
    ...(inference.model !== undefined ? { model: inference.model } : {}),
    ...(inference.provider !== undefined ? { provider: inference.provider } : {}),
  };
}

function processorName(span: SpanLike, trip: { processorId?: unknown }): string {
  if (typeof trip.processorId === 'string' && trip.processorId) return trip.processorId;
  const name = span.name ?? 'processor';
  return name.replace(/^(input|output) processor: /, '');
}
