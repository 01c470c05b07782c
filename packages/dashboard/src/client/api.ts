import type { Page, RunSummary } from '../aggregate/list-runs.js';
import type { SessionSummary } from '../aggregate/list-sessions.js';
import type { Overview } from '../aggregate/overview.js';
import type { SkippedCounts } from '../events/skipped.js';

export interface Status {
  version: number;
  runs: number;
  loaded: boolean;
  source: { kind: string; path: string };
  problem: string | null;
  skipped: SkippedCounts;
}

async function get<T>(path: string): Promise<T> {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
}

export const api = {
  status: () => get<Status>('api/status'),
  overview: () => get<Overview>('api/overview'),
  runs: (query: URLSearchParams) => get<Page<RunSummary>>(`api/runs?${query}`),
  run: (id: string) =>
    get<{ run: RunSummary; record: any; problem?: string }>(`api/runs/${encodeURIComponent(id)}`),
  sessions: (offset: number, limit: number) =>
    get<Page<SessionSummary>>(`api/sessions?offset=${offset}&limit=${limit}`),
  session: (id: string) =>
    get<{ session: SessionSummary; runs: Page<RunSummary> }>(
      `api/sessions/${encodeURIComponent(id)}?limit=500&sort=startedAt&order=asc`,
    ),
};

export type { Overview, Page, RunSummary, SessionSummary };
