import type { InitExporterOptions, ObservabilityExporter, TracingEvent } from '@mastra/core/observability';
import { type InvocationRecorder, type Metrics, guard, now, toEpochMs } from '@metrics/core';
import { AgentModels } from './agent-models.js';
import { MAX_SPAN_CHAIN, currentSpan, loadAmbientSpan } from './ambient-span.js';
import { ExporterRun } from './exporter-run.js';
import { keepMastraShapes } from './kept-shapes.js';
import { type AttemptSink, registerSinkResolver } from './model-observer.js';
import { type MetricsExporterOptions, SOURCE, normalizeOptions } from './options.js';
import { type SpanLike, readInference, stringField } from './span-reading.js';
import { type Trace, Traces } from './traces.js';

/** Mastra instances an exporter of this package was registered on (the standalone wrapper defers to it). */
export const instrumentedMastras = new WeakSet<object>();

/** Exporters not shut down: a `withMetrics` agent called inside one of their runs joins that run. */
const liveExporters = new Set<MetricsExporter>();

/** The run (of any live exporter) whose span Mastra is executing now, as a parent for a member run. */
export function exporterRunForCurrentSpan(): { recorder: InvocationRecorder; inTool: boolean } | undefined {
  for (const exporter of liveExporters) {
    const found = exporter.runForCurrentSpan();
    if (found) return found;
  }
  return undefined;
}

interface MastraLike {
  listAgents?: () => unknown;
  getAgentById?: (id: string) => unknown;
}

/** What `exportTracingEvent` answers: the event is handled synchronously. */
const SETTLED: Promise<void> = Promise.resolve();

/** Agent ids whose model was looked at, at most (agents are few). */
const MAX_OBSERVED_IDS = 10_000;

/**
 * A Mastra observability exporter that turns every agent run into one metrics record:
 * `new Observability({ configs: { default: { serviceName, exporters: [new MetricsExporter(options)] } } })`.
 *
 * Unless `observeModels: false`, it wraps the models of the Mastra instance's agents to see each
 * HTTP request with its status (Mastra's spans do not carry them); `shutdown()` or
 * `uninstrument()` puts the original models back.
 */
export class MetricsExporter implements ObservabilityExporter {
  readonly name = 'agent-metrics';
  readonly metrics: Metrics;
  private readonly traces: Traces;
  private readonly observeModels: boolean;
  private readonly models = new AgentModels();
  private mastra: MastraLike | undefined;
  private unregister: (() => void) | undefined;
  private readonly observedIds = new Set<string>();

  constructor(options: MetricsExporterOptions | Metrics = {}) {
    const normalized = normalizeOptions(options);
    this.metrics = normalized.metrics;
    this.observeModels = normalized.observeModels;
    this.traces = new Traces(this.metrics.diagnostics, normalized.openRuns);
    void loadAmbientSpan();
    keepMastraShapes();
    // the exporter records a successful request's usage from its span, never the wrapper's
    this.unregister = registerSinkResolver(() => this.sinkForCurrentSpan(), { usage: false });
    liveExporters.add(this);
  }

  /** Called by Mastra with the instance this exporter serves. */
  init(options: InitExporterOptions): void {
    this.guard(() => {
      const mastra = options?.mastra as unknown as MastraLike | undefined;
      if (!mastra) return;
      this.mastra = mastra;
      instrumentedMastras.add(mastra);
      if (!this.observeModels) return;
      const agents = mastra.listAgents?.();
      if (agents && typeof agents === 'object')
        for (const agent of Object.values(agents)) this.models.observe(agent);
    });
  }

  /**
   * Not `async`: Mastra calls this on every span event (~12 per model call), and an async
   * function's own promise costs more than the answer, which is always the same settled promise.
   */
  exportTracingEvent(event: TracingEvent): Promise<void> {
    this.handle(event);
    return SETTLED;
  }

  async flush(options?: { timeoutMs?: number }): Promise<void> {
    await this.metrics.flush(options);
  }

  /** Puts back the agents' original models (records of runs still open go on from Mastra's spans). */
  uninstrument(): void {
    this.models.restore();
  }

  async shutdown(options?: { timeoutMs?: number }): Promise<void> {
    liveExporters.delete(this);
    this.unregister?.();
    this.unregister = undefined;
    this.uninstrument();
    this.traces.finishAll();
    await this.metrics.shutdown(options);
  }

  /**
   * Synchronous entry point, also usable directly with recorded events. Never throws: a fault of
   * the adapter becomes a diagnostic (a `try` here, not `guard`'s closure per event).
   */
  handle(event: { type: string; exportedSpan: unknown }): void {
    try {
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
        this.started(span);
      } else if (event.type === 'span_ended') {
        if (this.traces.size === 0) return;
        this.ended(span);
      }
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
  }

  private started(span: SpanLike): void {
    if (span.type === 'agent_run') {
      this.startRun(span);
      return;
    }
    const trace = this.traces.forStart(span.traceId);
    const owner = trace && span.parentSpanId ? trace.owners.get(span.parentSpanId) : undefined;
    if (!trace || !owner || !this.traces.own(trace, span.id, owner)) return;
    if (span.type === 'model_generation') {
      owner.generation = {
        model: stringField(span.attributes, 'model'),
        provider: stringField(span.attributes, 'provider'),
      };
    } else if (span.type === 'tool_call' || span.type === 'mcp_tool_call') {
      trace.toolSpans.add(span.id);
      const at = toEpochMs(span.startTime);
      if (span.parentSpanId && at !== undefined) owner.toolStarted(span.parentSpanId, at);
    }
  }

  private startRun(span: SpanLike): void {
    const { trace, parent, parentIsTool } = this.findParent(span);
    this.observeAgentOf(span);
    const startedAt = toEpochMs(span.startTime);
    const name = span.entityName ?? span.entityId;
    if (parent && trace) {
      // fields left undefined are absent to the recorder
      const recorder = parent.recorder.startMemberRun({
        kind: parentIsTool ? 'tool-agent' : 'subagent',
        name,
        startedAt,
      });
      trace.owners.set(span.id, new ExporterRun(recorder, false));
      return;
    }
    const top = trace ?? this.traces.open(span.traceId);
    const sessionId =
      stringField(span.metadata, 'threadId') ?? stringField(span.attributes, 'conversationId');
    const recorder = this.metrics.startInvocation({ providerType: 'MASTRA', name, sessionId, startedAt });
    top.owners.set(span.id, new ExporterRun(recorder, true));
    top.openTop++;
  }

  /**
   * The run an `agent_run` span is a member of: its parent span's, or — for an agent called from
   * a tool without its tracing context, which starts a trace of its own — the run of the span
   * Mastra is executing (the new trace then joins the caller's).
   */
  private findParent(span: SpanLike): { trace?: Trace; parent?: ExporterRun; parentIsTool: boolean } {
    const trace = this.traces.get(span.traceId);
    const parent = trace && span.parentSpanId ? trace.owners.get(span.parentSpanId) : undefined;
    if (parent)
      return { trace, parent, parentIsTool: trace?.toolSpans.has(span.parentSpanId as string) === true };
    let live = currentSpan();
    for (let i = 0; live && i < MAX_SPAN_CHAIN; i++, live = live.parent) {
      const candidate = live.traceId ? this.traces.peek(live.traceId) : undefined;
      const run = live.id ? candidate?.owners.get(live.id) : undefined;
      if (!candidate || !run) continue;
      if (!trace) this.traces.join(span.traceId, candidate);
      return {
        trace: trace ?? candidate,
        parent: run,
        parentIsTool: candidate.toolSpans.has(live.id as string),
      };
    }
    return trace ? { trace, parentIsTool: false } : { parentIsTool: false };
  }

  private observeAgentOf(span: SpanLike): void {
    const id = span.entityId;
    if (!this.observeModels || !id || !this.mastra || this.observedIds.has(id)) return;
    if (this.observedIds.size >= MAX_OBSERVED_IDS) return;
    this.observedIds.add(id);
    this.models.observe(this.mastra.getAgentById?.(id));
  }

  private ended(span: SpanLike): void {
    const trace = this.traces.get(span.traceId);
    if (!trace) return;
    const run =
      trace.owners.get(span.id) ?? (span.parentSpanId ? trace.owners.get(span.parentSpanId) : undefined);
    if (!run) return;
    const startedAt = toEpochMs(span.startTime);
    const endedAt = toEpochMs(span.endTime) ?? now();
    switch (span.type) {
      case 'model_inference':
        this.inferenceEnded(run, span, startedAt ?? endedAt, endedAt);
        return;
      case 'model_step':
        this.stepEnded(run, span, startedAt ?? endedAt, endedAt);
        return;
      case 'tool_call':
      case 'mcp_tool_call':
        run.recordTool(span, startedAt, endedAt);
        return;
      case 'processor_run':
        run.recordProcessor(span, endedAt);
        return;
      case 'agent_run':
        if (trace.owners.get(span.id) === run) this.endRun(trace, run, span, endedAt);
        return;
      default:
        return;
    }
  }

  /** An inference span ended: its model call waits for its step's end (a second one in the same step records the first). */
  private inferenceEnded(run: ExporterRun, span: SpanLike, startedAt: number, endedAt: number): void {
    const step = run.steps.open(span.parentSpanId ?? span.id);
    if (step.inference) run.recordInference(step.inference, undefined, undefined);
    step.inference = readInference(span, startedAt, endedAt, run.generation);
  }

  /** Records the step's inference; Mastra versions without inference spans: the step (same usage) stands in for it. */
  private stepEnded(run: ExporterRun, span: SpanLike, startedAt: number, endedAt: number): void {
    const step = run.steps.take(span.id);
    let inference = step?.inference;
    if (!inference && typeof span.attributes?.finishReason === 'string')
      inference = readInference(span, startedAt, endedAt, run.generation);
    if (inference) run.recordInference(inference, span.metadata, step?.firstToolStart);
  }

  private endRun(trace: Trace, run: ExporterRun, span: SpanLike, endedAt: number): void {
    run.end(span, endedAt);
    if (!run.top) return;
    trace.openTop--;
    if (trace.openTop <= 0) this.traces.forget(trace);
  }

  /** The model wrapper's sink for the run whose span Mastra is executing right now. */
  private sinkForCurrentSpan(): AttemptSink | undefined {
    const run = this.currentRun()?.run;
    if (!run) return undefined;
    // one sink per run, not a closure (and a guard closure) per request
    run.sink ??= (attempt) => {
      try {
        run.onAttempt(attempt);
      } catch (error) {
        this.metrics.diagnostics.reportError(SOURCE, error);
      }
    };
    return run.sink;
  }

  /** @internal the run whose span Mastra is executing now, for `withMetrics` agents called inside it */
  runForCurrentSpan(): { recorder: InvocationRecorder; inTool: boolean } | undefined {
    const found = this.currentRun();
    return found && !found.run.recorder.ended
      ? { recorder: found.run.recorder, inTool: found.inTool }
      : undefined;
  }

  private currentRun(): { run: ExporterRun; inTool: boolean } | undefined {
    if (this.traces.size === 0) return undefined;
    let live = currentSpan();
    const trace = live?.traceId ? this.traces.peek(live.traceId) : undefined;
    if (!trace) return undefined;
    for (let i = 0; live && i < MAX_SPAN_CHAIN; i++, live = live.parent) {
      const run = live.id ? trace.owners.get(live.id) : undefined;
      if (run) return { run, inTool: trace.toolSpans.has(live.id as string) };
    }
    return undefined;
  }

  /** Runs `fn`; a fault of the adapter becomes a diagnostic, never an error in the agent. */
  private guard(fn: () => void): void {
    guard(this.metrics.diagnostics, SOURCE, fn);
  }
}

/** @deprecated Use `MetricsExporter`. */
export const MastraMetricsExporter = MetricsExporter;
/** @deprecated Use `MetricsExporter`. */
export type MastraMetricsExporter = MetricsExporter;
