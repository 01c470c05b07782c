import { api } from './api.js';
import { escapeHtml, int, ms, time } from './format.js';
import { runColumns } from './run-columns.js';
import { renderTable } from './table.js';

const $ = (id: string) => document.getElementById(id)!;

interface CallRow {
  run: string;
  [key: string]: any;
}

/** Model and tool calls of a record and its member runs, each tagged with the run it belongs to. */
function flatten(record: any, label = 'run'): { calls: CallRow[]; tools: CallRow[] } {
  const calls: CallRow[] = (record.modelCalls ?? []).map((c: any) => ({ run: label, ...c }));
  const tools: CallRow[] = (record.toolCalls ?? []).map((t: any) => ({ run: label, ...t }));
  for (const member of record.members ?? []) {
    const inner = flatten(member, `${member.memberKind ?? 'member'}: ${member.name ?? member.runId}`);
    calls.push(...inner.calls);
    tools.push(...inner.tools);
  }
  return { calls, tools };
}

function dl(entries: Array<[string, unknown]>): string {
  return `<dl>${entries.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
}

function open(html: string): HTMLElement {
  const panel = $('detail');
  panel.hidden = false;
  panel.innerHTML = `<button class="close" data-testid="detail-close">close ✕</button>${html}`;
  panel.querySelector('.close')!.addEventListener('click', () => {
    location.hash = '';
  });
  return panel;
}

function callTables(panel: HTMLElement, record: any): void {
  const { calls, tools } = flatten(record);
  renderTable(
    panel.querySelector('#detail-calls') as HTMLElement,
    [
      { label: 'run', value: (c) => c.run },
      { label: '#', value: (c) => c.attempt },
      { label: 'model', value: (c) => c.model ?? '' },
      { label: 'outcome', value: (c) => c.outcome, bad: (c) => c.outcome !== 'success' },
      { label: 'status', value: (c) => c.status ?? '' },
      { label: 'error', value: (c) => (c.error ? `${c.error.category} ${c.error.name}` : '') },
      { label: 'input', value: (c) => int(c.usage?.inputTokens ?? 0) },
      { label: 'output', value: (c) => int(c.usage?.outputTokens ?? 0) },
      { label: 'ttft', value: (c) => (c.firstTokenAt ? ms(c.firstTokenAt - c.startedAt) : '') },
      { label: 'time', value: (c) => ms(c.endedAt - c.startedAt) },
    ],
    calls,
  );
  renderTable(
    panel.querySelector('#detail-tools') as HTMLElement,
    [
      { label: 'run', value: (t) => t.run },
      { label: 'tool', value: (t) => t.name },
      { label: 'type', value: (t) => t.type },
      { label: 'outcome', value: (t) => t.outcome, bad: (t) => t.outcome !== 'success' },
      { label: 'error', value: (t) => (t.error ? `${t.error.category} ${t.error.message ?? ''}` : '') },
      { label: 'time', value: (t) => ms(t.endedAt - t.startedAt) },
    ],
    tools,
  );
}

/** The detail of one run: its numbers, then (for JSONL records) every model call and tool call. */
export async function showRun(id: string): Promise<void> {
  const { run, record, problem } = await api.run(id);
  const hasCalls = record && Array.isArray(record.modelCalls);
  const panel = open(`<h2 data-testid="detail-title">Run ${escapeHtml(run.runId)}</h2>
    ${dl([
      ['framework', run.providerType],
      ['model', run.model ?? ''],
      ['session', run.sessionId ?? ''],
      ['started', time(run.startedAt)],
      ['outcome', run.errorCategory ? `${run.outcome} (${run.errorCategory})` : run.outcome],
      [
        'tokens in / out / total',
        `${int(run.inputTokens)} / ${int(run.outputTokens)} / ${int(run.totalTokens)}`,
      ],
      [
        'cache read / write, reasoning',
        `${int(run.cacheReadTokens)} / ${int(run.cacheWriteTokens)}, ${int(run.reasoningTokens)}`,
      ],
      ['model calls', int(run.modelCalls)],
      ['llm_call events', int(run.llmCallEvents)],
      ['throttles', int(run.throttles)],
      ['ttft / model / total', `${ms(run.ttftMs)} / ${ms(run.modelLatencyMs)} / ${ms(run.durationMs)}`],
      ['member runs', int(run.memberRuns)],
    ])}
    ${problem ? `<p class="bad">${escapeHtml(problem)}</p>` : ''}
    ${hasCalls ? '<h3>Model calls</h3><table id="detail-calls" data-testid="detail-calls"></table><h3>Tool calls</h3><table id="detail-tools" data-testid="detail-tools"></table>' : '<p>The collector keeps per-run totals only: open the JSONL events file for each model and tool call.</p>'}`);
  if (hasCalls) callTables(panel, record);
}

/** A session: its totals and its runs (each run's member runs are counted in it). */
export async function showSession(id: string): Promise<void> {
  const { session, runs } = await api.session(id);
  const panel = open(`<h2 data-testid="detail-title">Session ${escapeHtml(session.key)}</h2>
    ${dl([
      ['runs', int(session.runs)],
      ['member runs', int(session.memberRuns)],
      ['model calls', int(session.modelCalls)],
      ['tokens in / out', `${int(session.inputTokens)} / ${int(session.outputTokens)}`],
      ['first / last', `${time(session.firstAt)} / ${time(session.lastAt)}`],
    ])}
    <h3>Runs</h3><table id="detail-runs" data-testid="detail-runs"></table>`);
  renderTable(
    panel.querySelector('#detail-runs') as HTMLElement,
    runColumns,
    runs.items,
    (r) => r.runId,
    (runId) => {
      location.hash = `run/${runId}`;
    },
  );
}

export function closeDetail(): void {
  $('detail').hidden = true;
}
