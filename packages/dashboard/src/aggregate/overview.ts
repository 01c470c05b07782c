import type { SkippedCounts } from '../events/skipped.js';
import type { RunStore } from '../store/run-store.js';
import type { ToolNameTotals } from '../store/record-details.js';
import { type Histogram, type Percentiles, histogram, percentiles, sample } from './distribution.js';
import { type GroupTotals, addRow, emptyTotals, groupBy } from './group-totals.js';
import { type Timeline, timeline } from './timeline.js';

export interface ToolTypeTotals {
  type: string;
  calls: number;
  failures: number;
  /** failures / calls, 0 when there were no calls. */
  failureRate: number;
}

/** Everything the page's charts and summary tables show, aggregated on the server. */
export interface Overview {
  version: number;
  runs: number;
  sessions: number;
  totals: GroupTotals;
  timeline: Timeline;
  byModel: GroupTotals[];
  byFramework: GroupTotals[];
  latency: {
    durationMs: Percentiles;
    modelLatencyMs: Percentiles;
    /** Over the runs whose first model call streamed (ttft > 0). */
    ttftMs: Percentiles;
    ttftHistogram: Histogram;
    /** `[total time, model latency]` of up to 2000 runs spread over the whole set. */
    scatter: Array<[number, number]>;
  };
  /** Error categories of failed model calls (JSONL records only) and of failed runs. */
  errorClasses: { modelCalls: Record<string, number>; runs: Record<string, number> };
  tools: { byType: ToolTypeTotals[]; byName: Array<ToolNameTotals & { name: string; failureRate: number }> };
  skipped: SkippedCounts;
}

const rate = (failures: number, calls: number) => (calls > 0 ? failures / calls : 0);

function toolTypes(totals: GroupTotals, store: RunStore): ToolTypeTotals[] {
  let apiCalls = 0;
  let apiFailures = 0;
  for (const row of store.rows) {
    apiCalls += row.apiToolCalls;
    apiFailures += row.apiToolFailures;
  }
  const mcpCalls = totals.toolCalls - apiCalls;
  const mcpFailures = totals.toolFailures - apiFailures;
  return [
    { type: 'api', calls: apiCalls, failures: apiFailures, failureRate: rate(apiFailures, apiCalls) },
    { type: 'mcp', calls: mcpCalls, failures: mcpFailures, failureRate: rate(mcpFailures, mcpCalls) },
  ];
}

function runErrorClasses(store: RunStore): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of store.rows) {
    if (row.outcome !== 'error') continue;
    const category = row.errorCategory ?? 'unknown';
    counts[category] = (counts[category] ?? 0) + 1;
  }
  return counts;
}

function latency(store: RunStore): Overview['latency'] {
  const rows = store.rows;
  const duration = new Float64Array(rows.length);
  const model = new Float64Array(rows.length);
  const ttft: number[] = [];
  rows.forEach((row, i) => {
    duration[i] = row.durationMs;
    model[i] = row.modelLatencyMs;
    if (row.ttftMs > 0) ttft.push(row.ttftMs);
  });
  const ttftValues = Float64Array.from(ttft);
  return {
    durationMs: percentiles(duration),
    modelLatencyMs: percentiles(model),
    ttftMs: percentiles(ttftValues),
    ttftHistogram: histogram(ttftValues),
    scatter: sample(rows, 2000).map((row) => [row.durationMs, row.modelLatencyMs]),
  };
}

export function buildOverview(store: RunStore): Overview {
  const totals = emptyTotals('all');
  for (const row of store.rows) addRow(totals, row);
  return {
    version: store.version,
    runs: store.rows.length,
    sessions: store.sessions.size,
    totals,
    timeline: timeline(store.rows),
    byModel: groupBy(store.rows, (row) => row.model ?? '(unknown)'),
    byFramework: groupBy(store.rows, (row) => row.providerType),
    latency: latency(store),
    errorClasses: { modelCalls: Object.fromEntries(store.callErrorClasses), runs: runErrorClasses(store) },
    tools: {
      byType: toolTypes(totals, store),
      byName: [...store.toolsByName]
        .map(([name, t]) => ({ name, ...t, failureRate: rate(t.failures, t.calls) }))
        .sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name)),
    },
    skipped: { ...store.skipped },
  };
}
