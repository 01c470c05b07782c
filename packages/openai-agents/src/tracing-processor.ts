import type { Metrics } from '@metrics/core';
import {
  adapterOptions,
  addAttemptLogResolver,
  keepShapes,
  type MetricsInput,
  OpenRuns,
  type OpenRunsOptions,
  observeHttpAttempts,
  toMetrics,
} from '@metrics/core/adapter';
import { getCurrentSpan, type Span, type Trace, type TracingProcessor } from '@openai/agents';
import { inMeteredRun } from './run-state.js';
import type { SpanLike } from './span-reading.js';
import { TraceRun } from './trace-run.js';
import { traceRunTemplate } from './trace-run-template.js';

const SOURCE = '@metrics/openai-agents';

/** What every tracing hook returns (see `onTraceStart`). */
const DONE: Promise<void> = Promise.resolve();

// A run's own span is the task span at the top of its trace (`type === 'task'`, no parent).

/** `MetricsTracingProcessor`'s argument: a `Metrics`, or its options (`metrics` to share one) with the open-run bounds. */
export type MetricsTracingProcessorOptions = Exclude<MetricsInput, Metrics> & OpenRunsOptions;

/**
 * The SDK's own registration slot: `addTraceProcessor(new MetricsTracingProcessor({ exporters }))`
 * (or `setTraceProcessors([...])`). Each trace (one `run()`) becomes one invocation record of
 * provider type `OPENAI_AGENTS_SDK`: agent spans the run and its member runs (handoffs, agents used
 * as tools), generation/response spans model calls with their HTTP attempts, function spans tool
 * calls (`mcp` when the SDK marks the span), guardrail spans trips. Changes nothing of the user's.
 *
 * A trace that starts inside a run metered by `instrumentRunner` is left to it: each run is
 * counted once when both are in use.
 */
export class MetricsTracingProcessor implements TracingProcessor {
  readonly metrics: Metrics;
  private readonly runs: OpenRuns<string, TraceRun>;
  private readonly removeResolver: () => void;

  constructor(options: MetricsTracingProcessorOptions | Metrics = {}) {
    this.metrics = toMetrics(options);
    this.runs = new OpenRuns<string, TraceRun>(
      (run) => run.finish(),
      this.metrics.diagnostics,
      SOURCE,
      adapterOptions<OpenRunsOptions>(options),
    );
    observeHttpAttempts();
    keepShapes(traceRunTemplate);
    // the model's HTTP requests run under its generation/response span (the SDK's current span).
    // A resolver, not an attempt scope entered in `onSpanStart`: the SDK awaits its processors'
    // `onSpanStart` one after the other, so only the first runs in the span's async context, and
    // the README's `addTraceProcessor` puts this one after the SDK's exporter
    // (tracing-processor-order.test.ts: a scope entered there loses the retried 429's attempt)
    // A span of ours that is not a model request answers `undefined`, not `null` (which would mean
    // "not a model attempt" and stop the other resolvers): a tool's span may run a model call
    // another adapter of the process knows (tracing-processor-resolver.test.ts).
    this.removeResolver = addAttemptLogResolver(() => {
      const span = getCurrentSpan() as SpanLike | null;
      return span ? this.runs.peek(span.traceId)?.attemptLogOf(span.spanId) : undefined;
    });
  }

  // The four hooks are plain methods returning one settled promise, not `async` ones: the SDK calls
  // them for every span and awaits what they return, and an async function (a promise of its own
  // per call) plus `guard`'s closure cost more than the bookkeeping they wrap. Their bodies catch
  // everything, so the promise is always the fulfilled one.
  onTraceStart(trace: Trace): Promise<void> {
    try {
      this.open(trace.traceId, trace);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    return DONE;
  }

  /** A trace's run ends with its top-level task span, or with the trace (no task spans). */
  onTraceEnd(trace: Trace): Promise<void> {
    try {
      this.close(trace.traceId);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    return DONE;
  }

  onSpanStart(span: Span<any>): Promise<void> {
    try {
      // each of a span's fields is a getter call: read once
      const traceId = span.traceId;
      const type = span.spanData?.type;
      // a second run inside one user trace (`withTrace`) is a record of its own
      if (type === 'task' && !span.parentId && !this.runs.peek(traceId)) this.open(traceId, {});
      this.runs.get(traceId)?.spanStarted(span as unknown as SpanLike, type);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    return DONE;
  }

  onSpanEnd(span: Span<any>): Promise<void> {
    try {
      const traceId = span.traceId;
      const type = span.spanData?.type;
      this.runs.get(traceId)?.spanEnded(span as unknown as SpanLike, type);
      // the SDK does not end the trace of a run that threw; its task span does end
      if (type === 'task' && !span.parentId) this.close(traceId);
    } catch (error) {
      this.metrics.diagnostics.reportError(SOURCE, error);
    }
    return DONE;
  }

  private open(traceId: string, trace: { groupId?: string | null }): void {
    if (inMeteredRun() || this.runs.wasEvicted(traceId)) return; // instrumentRunner records this run
    this.runs.add(traceId, new TraceRun(this.metrics, trace));
  }

  private close(traceId: string): void {
    const run = this.runs.peek(traceId);
    if (!run) return;
    this.runs.delete(traceId);
    run.finish();
  }

  /** Resolves when every exporter delivered what it has. */
  async forceFlush(): Promise<void> {
    await this.metrics.flush();
  }

  flush(options?: { timeoutMs?: number }): Promise<void> {
    return this.metrics.flush(options);
  }

  /** Finishes the runs still open (as they stand), then shuts the exporters down. */
  async shutdown(timeout?: number | { timeoutMs?: number }): Promise<void> {
    this.removeResolver();
    this.runs.finishAll();
    await this.metrics.shutdown(typeof timeout === 'number' ? { timeoutMs: timeout } : timeout);
  }
}
