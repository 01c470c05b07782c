import type { SessionSummary } from './api.js';
import { api } from './api.js';
import { int, ms, time } from './format.js';
import { runColumns } from './run-columns.js';
import { renderPager, renderTable } from './table.js';

const $ = (id: string) => document.getElementById(id)!;
const PAGE = 50;
const state = { runsOffset: 0, sessionsOffset: 0, runsRequest: 0 };

function runQuery(): URLSearchParams {
  const query = new URLSearchParams({ offset: String(state.runsOffset), limit: String(PAGE) });
  const q = ($('filter-runs') as HTMLInputElement).value.trim();
  if (q) query.set('q', q);
  if (($('filter-errors') as HTMLInputElement).checked) query.set('errors', '1');
  return query;
}

/** Shows the current page of runs (filtered on the server). */
export async function renderRuns(): Promise<void> {
  const request = ++state.runsRequest;
  const page = await api.runs(runQuery());
  if (request !== state.runsRequest) return; // a newer filter or page was asked for meanwhile
  renderTable(
    $('table-runs'),
    runColumns,
    page.items,
    (r) => r.runId,
    (id) => {
      location.hash = `run/${id}`;
    },
  );
  renderPager($('pager-runs'), page.total, page.offset, page.limit, (offset) => {
    state.runsOffset = offset;
    void renderRuns();
  });
}

/** Shows the current page of sessions. */
export async function renderSessions(): Promise<void> {
  const page = await api.sessions(state.sessionsOffset, PAGE);
  renderTable<SessionSummary>(
    $('table-sessions'),
    [
      { label: 'session', value: (s) => s.key },
      { label: 'last active', value: (s) => time(s.lastAt) },
      { label: 'runs', value: (s) => int(s.runs) },
      { label: 'member runs', value: (s) => int(s.memberRuns) },
      { label: 'failed', value: (s) => int(s.errorRuns), bad: (s) => s.errorRuns > 0 },
      { label: 'calls', value: (s) => int(s.modelCalls) },
      { label: 'input', value: (s) => int(s.inputTokens) },
      { label: 'output', value: (s) => int(s.outputTokens) },
      { label: 'tools', value: (s) => int(s.toolCalls) },
      { label: 'time', value: (s) => ms(s.durationMs) },
    ],
    page.items,
    (s) => s.key,
    (id) => {
      location.hash = `session/${id}`;
    },
  );
  renderPager($('pager-sessions'), page.total, page.offset, page.limit, (offset) => {
    state.sessionsOffset = offset;
    void renderSessions();
  });
}

/** Wires the run filter: a new filter starts again at the first page (typing is debounced). */
export function bindFilters(): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refilter = () => {
    state.runsOffset = 0;
    void renderRuns();
  };
  $('filter-runs').addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refilter, 150);
  });
  $('filter-errors').addEventListener('change', refilter);
}
