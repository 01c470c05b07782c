import type { InvocationRecord } from '@metrics/core';

export interface ToolNameTotals {
  type: string;
  calls: number;
  failures: number;
}

/** Every run of a record: the record itself, then its member runs, depth first. */
export function* runsOf(record: InvocationRecord): Generator<InvocationRecord> {
  yield record;
  for (const member of record.members ?? []) yield* runsOf(member);
}

/** Adds a record's tool calls (member runs included) to per-name totals. */
export function addToolNames(record: InvocationRecord, totals: Map<string, ToolNameTotals>): void {
  for (const run of runsOf(record)) {
    for (const call of run.toolCalls ?? []) {
      const name = typeof call.name === 'string' ? call.name : '(unnamed)';
      const t = totals.get(name) ?? { type: call.type ?? 'api', calls: 0, failures: 0 };
      totals.set(name, t);
      t.calls++;
      if (call.outcome === 'failure') t.failures++;
    }
  }
}

/** Adds the error category of each failed model call (member runs included) to per-category counts. */
export function addCallErrorClasses(record: InvocationRecord, counts: Map<string, number>): void {
  for (const run of runsOf(record)) {
    for (const call of run.modelCalls ?? []) {
      if (call.outcome !== 'error') continue;
      const category = call.error?.category ?? 'unknown';
      counts.set(category, (counts.get(category) ?? 0) + 1);
    }
  }
}
