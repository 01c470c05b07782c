import type { Diagnostics } from '@metrics/core';
import { OpenRuns, type OpenRunsOptions } from '@metrics/core/adapter';
import type { ExporterRun } from './exporter-run.js';
import { SOURCE } from './options.js';

/** The spans of one top-level agent run (and of the agents it called), by span id. */
export interface Trace {
  /** the trace ids that lead here: Mastra's own, then those of agents joined from a tool */
  ids: string[];
  /** span id → the run it belongs to (tool and model spans included, chunks excluded) */
  owners: Map<string, ExporterRun>;
  toolSpans: Set<string>;
  openTop: number;
}

const MAX_SPANS_PER_TRACE = 20_000;

/**
 * The exporter's open traces on the core's `OpenRuns`, keyed by trace id (a trace joined from a
 * tool is linked to its caller's). A trace silent for `openRunTimeoutMs`, or past `maxOpenRuns`,
 * is finished as it stands (its open runs end); its late spans are dropped and counted.
 */
export class Traces {
  private readonly runs: OpenRuns<string, Trace>;

  constructor(diagnostics: Diagnostics, options: OpenRunsOptions) {
    this.runs = new OpenRuns((trace) => endOpenRuns(trace), diagnostics, SOURCE, options);
  }

  get size(): number {
    return this.runs.size;
  }

  /** The open trace under `traceId`, marked as seen (a late span of an evicted one is counted). */
  get(traceId: string): Trace | undefined {
    return this.runs.get(traceId);
  }

  /**
   * The open trace under `traceId` for a span's start, without reading the clock to mark it as
   * seen: the span's end (`get`) does that (a late span of an evicted trace is still counted).
   */
  forStart(traceId: string): Trace | undefined {
    return this.runs.peek(traceId) ?? this.runs.get(traceId);
  }

  /** The open trace without marking it as seen (an ambient span lookup, not an event of it). */
  peek(traceId: string): Trace | undefined {
    return this.runs.peek(traceId);
  }

  open(traceId: string): Trace {
    const trace: Trace = { ids: [traceId], owners: new Map(), toolSpans: new Set(), openTop: 0 };
    this.runs.add(traceId, trace);
    return trace;
  }

  /** A new trace (an agent called from a tool without its tracing context) joins its caller's. */
  join(traceId: string, trace: Trace): void {
    if (this.runs.link(traceId, trace.ids[0] as string)) trace.ids.push(traceId);
  }

  /** Adds a span to a run of the trace (bounded per trace). */
  own(trace: Trace, spanId: string, run: ExporterRun): boolean {
    if (trace.owners.size >= MAX_SPANS_PER_TRACE) return false;
    trace.owners.set(spanId, run);
    return true;
  }

  forget(trace: Trace): void {
    this.runs.delete(trace.ids[0] as string);
  }

  /** Finishes every open trace as it stands (shutdown). */
  finishAll(): void {
    this.runs.finishAll();
  }
}

/** Ends the top-level runs of a trace whose end was never seen, as they stand. */
function endOpenRuns(trace: Trace): void {
  for (const run of new Set(trace.owners.values())) if (run.top && !run.recorder.ended) run.recorder.end();
}
