import { RUN_SORT_KEYS, type RunQuery, type RunSortKey } from '../aggregate/list-runs.js';

function int(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `?offset&limit&q&errors=1&session&sort&order` → a run query; unknown values fall back to defaults. */
export function runQuery(params: Record<string, string | undefined>): RunQuery {
  const sort = RUN_SORT_KEYS.includes(params.sort as RunSortKey) ? (params.sort as RunSortKey) : undefined;
  return {
    offset: int(params.offset),
    limit: int(params.limit),
    q: params.q,
    errorsOnly: params.errors === '1' || params.errors === 'true',
    sessionId: params.session || undefined,
    sort,
    order: params.order === 'asc' ? 'asc' : 'desc',
  };
}

export function pageQuery(params: Record<string, string | undefined>): { offset?: number; limit?: number } {
  return { offset: int(params.offset), limit: int(params.limit) };
}
