/** Totals of `llm_usage` events for one group (a session or a model). */
export interface UsageTotals {
  runs: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  reasoningTokens: number;
}

export interface UsageReport {
  events: number;
  skippedLines: number;
  bySession: Record<string, UsageTotals>;
  byModel: Record<string, UsageTotals>;
  total: UsageTotals;
}

const empty = (): UsageTotals => ({
  runs: 0,
  inputTokens: 0,
  outputTokens: 0,
  totalTokens: 0,
  cacheReadTokens: 0,
  cacheCreationTokens: 0,
  reasoningTokens: 0,
});

function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;
}

function add(totals: UsageTotals, event: Record<string, unknown>): void {
  totals.runs++;
  totals.inputTokens += count(event.input_tokens);
  totals.outputTokens += count(event.output_tokens);
  totals.totalTokens += count(event.total_tokens);
  totals.cacheReadTokens += count(event.cache_read_input_tokens);
  totals.cacheCreationTokens += count(event.cache_creation_input_tokens);
  totals.reasoningTokens += count(event.reasoning_tokens);
}

/**
 * Sums the `llm_usage` events of a JSONL events file (one per finished invocation that reported
 * usage) per session and per model. Lines that are not JSON objects are counted and skipped.
 */
export function buildUsageReport(jsonl: string): UsageReport {
  const report: UsageReport = { events: 0, skippedLines: 0, bySession: {}, byModel: {}, total: empty() };
  for (const line of jsonl.split('\n')) {
    if (line.trim() === '') continue;
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      report.skippedLines++;
      continue;
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      report.skippedLines++;
      continue;
    }
    const e = event as Record<string, unknown>;
    if (e.type !== 'llm_usage') continue;
    report.events++;
    const session = typeof e.session_id === 'string' && e.session_id ? e.session_id : '(none)';
    const model = typeof e.model === 'string' && e.model ? e.model : '(unknown)';
    report.bySession[session] ??= empty();
    report.byModel[model] ??= empty();
    add(report.bySession[session]!, e);
    add(report.byModel[model]!, e);
    add(report.total, e);
  }
  return report;
}

function table(title: string, rows: Record<string, UsageTotals>): string[] {
  const header = [title, 'runs', 'input', 'output', 'total', 'cache read', 'cache write', 'reasoning'];
  const body = Object.entries(rows).map(([name, t]) => [
    name,
    String(t.runs),
    String(t.inputTokens),
    String(t.outputTokens),
    String(t.totalTokens),
    String(t.cacheReadTokens),
    String(t.cacheCreationTokens),
    String(t.reasoningTokens),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const format = (row: string[]) =>
    row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [format(header), ...body.map(format)];
}

export function formatUsageReport(report: UsageReport): string {
  const lines = [
    ...table('session', report.bySession),
    '',
    ...table('model', report.byModel),
    '',
    ...table('all', { all: report.total }),
    '',
    `${report.events} llm_usage event(s)${report.skippedLines ? `, ${report.skippedLines} unreadable line(s) skipped` : ''}`,
  ];
  return lines.join('\n');
}
