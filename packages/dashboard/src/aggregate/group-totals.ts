import {
  ERROR_FIELDS,
  type ErrorField,
  type RunRow,
  TOKEN_FIELDS,
  type TokenField,
} from '../store/run-row.js';

/** Sums of one group of runs (a model, a framework, a session, or all runs). */
export type GroupTotals = {
  key: string;
  runs: number;
  errorRuns: number;
  modelCalls: number;
  toolCalls: number;
  toolFailures: number;
  guardrailHits: number;
  durationMs: number;
  modelLatencyMs: number;
} & Record<TokenField | ErrorField, number>;

export function emptyTotals(key: string): GroupTotals {
  const totals = {
    key,
    runs: 0,
    errorRuns: 0,
    modelCalls: 0,
    toolCalls: 0,
    toolFailures: 0,
    guardrailHits: 0,
    durationMs: 0,
    modelLatencyMs: 0,
  } as GroupTotals;
  for (const field of TOKEN_FIELDS) totals[field] = 0;
  for (const field of ERROR_FIELDS) totals[field] = 0;
  return totals;
}

export function addRow(totals: GroupTotals, row: RunRow): void {
  totals.runs++;
  if (row.outcome === 'error') totals.errorRuns++;
  totals.modelCalls += row.modelCalls;
  totals.toolCalls += row.apiToolCalls + row.mcpToolCalls;
  totals.toolFailures += row.apiToolFailures + row.mcpToolFailures;
  totals.guardrailHits += row.guardrailHits;
  totals.durationMs += row.durationMs;
  totals.modelLatencyMs += row.modelLatencyMs;
  for (const field of TOKEN_FIELDS) totals[field] += row[field];
  for (const field of ERROR_FIELDS) totals[field] += row[field];
}

/** Totals per key, largest total tokens first (then by name). */
export function groupBy(rows: readonly RunRow[], keyOf: (row: RunRow) => string): GroupTotals[] {
  const groups = new Map<string, GroupTotals>();
  for (const row of rows) {
    const key = keyOf(row);
    const totals = groups.get(key) ?? emptyTotals(key);
    groups.set(key, totals);
    addRow(totals, row);
  }
  return [...groups.values()].sort((a, b) => b.totalTokens - a.totalTokens || a.key.localeCompare(b.key));
}
