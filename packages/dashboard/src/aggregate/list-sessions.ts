import type { RunStore } from '../store/run-store.js';
import { type GroupTotals, addRow, emptyTotals } from './group-totals.js';
import { type Page, clampPage } from './list-runs.js';

/** A conversation: the runs that shared a session id, summed (each run already includes its member runs). */
export interface SessionSummary extends GroupTotals {
  firstAt: number;
  lastAt: number;
  memberRuns: number;
}

export function sessionSummary(store: RunStore, sessionId: string): SessionSummary | undefined {
  const indexes = store.sessions.get(sessionId);
  if (!indexes) return undefined;
  const summary: SessionSummary = {
    ...emptyTotals(sessionId),
    firstAt: Number.POSITIVE_INFINITY,
    lastAt: 0,
    memberRuns: 0,
  };
  for (const i of indexes) {
    const row = store.rows[i]!;
    addRow(summary, row);
    summary.memberRuns += row.memberRuns;
    summary.firstAt = Math.min(summary.firstAt, row.startedAt);
    summary.lastAt = Math.max(summary.lastAt, row.startedAt + row.durationMs);
  }
  return summary;
}

/** One page of sessions, the most recently active first. */
export function listSessions(
  store: RunStore,
  query: { offset?: number; limit?: number } = {},
): Page<SessionSummary> {
  const [offset, limit] = clampPage(query.offset, query.limit);
  const all = store.memo('sessions', () =>
    [...store.sessions.keys()]
      .map((id) => sessionSummary(store, id)!)
      .sort((a, b) => b.lastAt - a.lastAt || a.key.localeCompare(b.key)),
  );
  return { total: all.length, offset, limit, items: all.slice(offset, offset + limit) };
}
