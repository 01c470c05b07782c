import type { GroupTotals } from '../aggregate/group-totals.js';
import type { ToolTypeTotals } from '../aggregate/overview.js';
import type { Overview } from './api.js';
import { COLORS, barDatasets, drawChart } from './charts.js';
import { escapeHtml, int, ms, percent, time } from './format.js';
import { type Column, renderTable } from './table.js';

const $ = (id: string) => document.getElementById(id)!;

const TOKEN_SERIES = {
  input: 'inputTokens',
  output: 'outputTokens',
  'cache read': 'cacheReadTokens',
  'cache write': 'cacheWriteTokens',
  reasoning: 'reasoningTokens',
} as const;

function card(label: string, value: string, id: string): string {
  return `<div class="card" data-testid="card-${id}"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div></div>`;
}

function cards(o: Overview): void {
  const t = o.totals;
  $('cards').innerHTML = [
    card('runs', int(o.runs), 'runs'),
    card('failed runs', int(t.errorRuns), 'failed'),
    card('sessions', int(o.sessions), 'sessions'),
    card('model calls', int(t.modelCalls), 'model-calls'),
    card('input tokens', int(t.inputTokens), 'input'),
    card('output tokens', int(t.outputTokens), 'output'),
    card('cache read', int(t.cacheReadTokens), 'cache-read'),
    card('cache write', int(t.cacheWriteTokens), 'cache-write'),
    card('reasoning', int(t.reasoningTokens), 'reasoning'),
    card('tool calls', int(t.toolCalls), 'tool-calls'),
    card('throttles', int(t.throttles), 'throttles'),
  ].join('');
}

const tokenColumns = (label: string): Column<GroupTotals>[] => [
  { label, value: (r) => r.key },
  { label: 'runs', value: (r) => int(r.runs) },
  { label: 'calls', value: (r) => int(r.modelCalls) },
  { label: 'input', value: (r) => int(r.inputTokens) },
  { label: 'output', value: (r) => int(r.outputTokens) },
  { label: 'cache read', value: (r) => int(r.cacheReadTokens) },
  { label: 'cache write', value: (r) => int(r.cacheWriteTokens) },
  { label: 'reasoning', value: (r) => int(r.reasoningTokens) },
  { label: 'total', value: (r) => int(r.totalTokens) },
];

function tokens(groups: GroupTotals[], chartId: string, tableId: string, label: string): void {
  const top = groups.slice(0, 12);
  const series = Object.fromEntries(
    Object.entries(TOKEN_SERIES).map(([name, field]) => [name, top.map((g) => g[field])]),
  );
  drawChart(chartId, {
    type: 'bar',
    data: { labels: top.map((g) => g.key), datasets: barDatasets(series, 'tokens') },
    options: { indexAxis: 'y', scales: { x: { stacked: true }, y: { stacked: true } } },
  });
  renderTable($(tableId), tokenColumns(label), groups);
}

function timeline(o: Overview): void {
  const { start, bucketMs, runs, errorRuns } = o.timeline;
  // Seconds when buckets are shorter than a minute, the date once they span days.
  const [from, to] = bucketMs < 60_000 ? [11, 19] : bucketMs < 86_400_000 ? [5, 16] : [0, 10];
  const labels = runs.map((_, i) => time(start + i * bucketMs).slice(from, to));
  const ok = runs.map((n, i) => n - errorRuns[i]!);
  drawChart('chart-timeline', {
    type: 'bar',
    data: {
      labels,
      datasets: barDatasets({ succeeded: ok, failed: errorRuns }, 'runs', ['#2563eb', '#dc2626']),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
}

function latency(o: Overview): void {
  const l = o.latency;
  drawChart('chart-latency', {
    type: 'scatter',
    data: {
      datasets: [
        {
          label: 'runs (model latency / total time, ms)',
          data: l.scatter.map(([x, y]) => ({ x, y })),
          backgroundColor: `${COLORS[0]}88`,
          pointRadius: 2,
        },
      ],
    },
    options: {
      scales: {
        x: { title: { display: true, text: 'total ms' } },
        y: { title: { display: true, text: 'model ms' } },
      },
    },
  });
  const h = l.ttftHistogram;
  drawChart('chart-ttft', {
    type: 'bar',
    data: {
      labels: h.counts.map((_, i) => `${Math.round(h.edges[i]!)}`),
      datasets: barDatasets({ 'runs by ttft (ms)': h.counts }),
    },
  });
  const rows = [
    ['total time', l.durationMs],
    ['model latency', l.modelLatencyMs],
    ['ttft (streamed)', l.ttftMs],
  ] as const;
  renderTable(
    $('table-latency'),
    [
      { label: '', value: (r) => r[0] },
      { label: 'runs', value: (r) => int(r[1].count) },
      { label: 'p50', value: (r) => ms(r[1].p50) },
      { label: 'p90', value: (r) => ms(r[1].p90) },
      { label: 'p99', value: (r) => ms(r[1].p99) },
      { label: 'max', value: (r) => ms(r[1].max) },
    ],
    [...rows],
  );
}

function errors(o: Overview): void {
  const t = o.totals;
  const counters: Array<[string, number]> = [
    ['model calls', t.modelCalls],
    ['throttles (429)', t.throttles],
    ['model client errors', t.modelClientErrors],
    ['model server errors', t.modelServerErrors],
    ['model unknown errors', t.modelUnknownErrors],
    ['run client errors', t.invocationClientErrors],
    ['run server errors', t.invocationServerErrors],
    ['guardrail hits', t.guardrailHits],
    ...Object.entries(o.errorClasses.modelCalls).map(([k, v]): [string, number] => [`failed calls: ${k}`, v]),
    ...Object.entries(o.errorClasses.runs).map(([k, v]): [string, number] => [`failed runs: ${k}`, v]),
  ];
  const bars = counters.slice(1, 7);
  drawChart('chart-errors', {
    type: 'bar',
    data: { labels: bars.map((c) => c[0]), datasets: barDatasets({ count: bars.map((c) => c[1]) }) },
    options: { plugins: { legend: { display: false } } },
  });
  renderTable(
    $('table-errors'),
    [
      { label: 'class', value: (r) => r[0] },
      { label: 'count', value: (r) => int(r[1]) },
    ],
    counters,
  );
}

function tools(o: Overview): void {
  const rateColumns = <T extends { calls: number; failures: number; failureRate: number }>(
    first: Column<T>,
  ): Column<T>[] => [
    first,
    { label: 'calls', value: (r) => int(r.calls) },
    { label: 'failed', value: (r) => int(r.failures), bad: (r) => r.failures > 0 },
    { label: 'failure rate', value: (r) => percent(r.failureRate) },
  ];
  type ByName = Overview['tools']['byName'][number];
  renderTable(
    $('table-tool-types'),
    rateColumns<ToolTypeTotals>({ label: 'type', value: (r) => r.type }),
    o.tools.byType,
  );
  renderTable(
    $('table-tool-names'),
    rateColumns<ByName>({ label: 'tool', value: (r) => `${r.name} (${r.type})` }),
    o.tools.byName.slice(0, 50),
  );
}

/** Draws every chart and summary table from the server's aggregates. */
export function renderOverview(o: Overview): void {
  cards(o);
  timeline(o);
  tokens(o.byModel, 'chart-tokens-model', 'table-models', 'model');
  tokens(o.byFramework, 'chart-tokens-framework', 'table-frameworks', 'framework');
  latency(o);
  errors(o);
  tools(o);
}
