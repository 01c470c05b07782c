import { createMetrics } from '@metrics/core';
import { OpenRuns } from '@metrics/core/adapter';
import { Span, Trace, type TracingProcessor } from '@openai/agents';
import type { SpanLike } from './span-reading.js';
import { TraceRun } from './trace-run.js';

/** Never called: the template's spans and trace are never started. */
const NO_PROCESSOR = {} as TracingProcessor;

const TRACE_ID = 'trace_kept_shapes';

function span(spanId: string, parentId: string | null, data: Record<string, unknown>): SpanLike {
  return new Span(
    { traceId: TRACE_ID, spanId, parentId: parentId ?? undefined, data: data as never },
    NO_PROCESSOR,
  ) as unknown as SpanLike;
}

function started(run: TraceRun, of: SpanLike): SpanLike {
  run.spanStarted(of, of.spanData.type);
  return of;
}

/**
 * `keepShapes`' builder for `MetricsTracingProcessor`: one trace (a run with one model request,
 * answered with usage, and one tool call, then a second request left open) recorded through a
 * `TraceRun` of its own, into a `Metrics` of its own with no exporter, under an `OpenRuns` entry
 * of its own. Its spans are the SDK's own `Span` class, never started (no processor sees them).
 * Kept alive, they keep the maps the processor's optimized code and field types name: without
 * them, every major collection discarded `TraceRun`, `OpenRuns.get`/`peek` and cleared the
 * feedback of the span readers (see the core's `kept-shapes.ts`).
 */
export function traceRunTemplate(): unknown[] {
  const metrics = createMetrics({ logger: false });
  const runs = new OpenRuns<string, TraceRun>((run) => run.finish(), metrics.diagnostics, 'template');
  const trace = new Trace({ traceId: TRACE_ID, name: 'Agent workflow' }, NO_PROCESSOR);
  const run = new TraceRun(metrics, trace);
  runs.add(TRACE_ID, run);
  const kept = runs.get(TRACE_ID) ?? run;
  const task = started(kept, span('span_task', null, { type: 'task', name: 'Agent workflow' }));
  const agent = started(kept, span('span_agent', task.spanId, { type: 'agent', name: 'agent' }));
  const turn = started(kept, span('span_turn', agent.spanId, { type: 'turn' }));
  const usage = { input_tokens: 2, output_tokens: 1, total_tokens: 3 };
  const response = started(
    kept,
    span('span_response', turn.spanId, { type: 'response', _response: { id: 'r', model: 'model', usage } }),
  );
  kept.attemptLogOf(response.spanId);
  kept.spanEnded(response, 'response');
  const tool = started(
    kept,
    span('span_tool', turn.spanId, { type: 'function', name: 'tool', input: '', output: '' }),
  );
  kept.spanEnded(tool, 'function');
  kept.spanEnded(turn, 'turn');
  // left open: one live model request
  const open = started(kept, span('span_open', agent.spanId, { type: 'response' }));
  kept.attemptLogOf(open.spanId);
  kept.spanEnded(agent, 'agent');
  kept.spanEnded(task, 'task');
  runs.peek(TRACE_ID)?.finish();
  return [metrics, runs, trace, task, agent, turn, response, tool, open];
}
