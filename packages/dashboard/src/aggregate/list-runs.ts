import type { RunRow } from '../store/run-row.js';
import type { RunStore } from '../store/run-store.js';

export const RUN_SORT_KEYS = [
  'startedAt',
  'durationMs',
  'totalTokens',
  'modelCalls',
  'modelLatencyMs',
] as const;
export type RunSortKey = (typeof RUN_SORT_KEYS)[number];

export interface RunQuery {
  offset?: number;
  limit?: number;
  /** Case-insensitive substring of the run id, session, model, framework or name. */
  q?: string;
  /** Only failed runs. */
  errorsOnly?: boolean;
  /** Only the runs of this session. */
  sessionId?: string;
  sort?: RunSortKey;
  /** Default `desc` (newest, longest, largest first). */
  order?: 'asc' | 'desc';
}

export interface Page<T> {
  total: number;
  offset: number;
  limit: number;
  items: T[];
}

/** The run row as the API sends it (without the file location). */
export type RunSummary = Omit<RunRow, 'offset' | 'length'>;

export const MAX_PAGE = 500;

export function clampPage(offset: number | undefined, limit: number | undefined): [number, number] {
  const l = Math.min(MAX_PAGE, Math.max(1, Math.floor(limit ?? 50) || 50));
  return [Math.max(0, Math.floor(offset ?? 0) || 0), l];
}

export function toSummary(row: RunRow): RunSummary {
  const { offset: _o, length: _l, ...summary } = row;
  return summary;
}

function matches(row: RunRow, needle: string): boolean {
  return [row.runId, row.sessionId, row.model, row.providerType, row.name].some(
    (value) => value?.toLowerCase().includes(needle) === true,
  );
}

function candidates(store: RunStore, query: RunQuery): RunRow[] {
  const base =
    query.sessionId !== undefined
      ? (store.sessions.get(query.sessionId) ?? []).map((i) => store.rows[i]!)
      : store.rows;
  const needle = query.q?.trim().toLowerCase();
  if (!needle && !query.errorsOnly) return base;
  return base.filter(
    (row) => (!query.errorsOnly || row.outcome === 'error') && (!needle || matches(row, needle)),
  );
}

/** Positions of `rows` in the requested order; ties keep arrival order. */
function order(rows: readonly RunRow[], key: RunSortKey, sign: number): Uint32Array {
  const values = Float64Array.from(rows, (row) => row[key]);
  const indexes = Uint32Array.from(rows.keys());
  indexes.sort((a, b) => sign * (values[a]! - values[b]!) || sign * (a - b));
  return indexes;
}

/** One page of runs, filtered and sorted on the server (the order is kept until a run arrives). */
export function listRuns(store: RunStore, query: RunQuery = {}): Page<RunSummary> {
  const [offset, limit] = clampPage(query.offset, query.limit);
  const key = query.sort ?? 'startedAt';
  const sign = query.order === 'asc' ? 1 : -1;
  const memoKey = JSON.stringify(['runs', query.sessionId, query.q, query.errorsOnly, key, sign]);
  const { rows, indexes } = store.memo(memoKey, () => {
    const rows = candidates(store, query);
    return { rows, indexes: order(rows, key, sign) };
  });
  return {
    total: rows.length,
    offset,
    limit,
    items: Array.from(indexes.subarray(offset, offset + limit), (i) => toSummary(rows[i]!)),
  };
}
