import { api } from './api.js';
import { closeDetail, showRun, showSession } from './detail-view.js';
import { int } from './format.js';
import { bindFilters, renderRuns, renderSessions } from './lists-view.js';
import { renderOverview } from './overview-view.js';

const $ = (id: string) => document.getElementById(id)!;
const POLL_MS = 1000;
let version = -1;

async function route(): Promise<void> {
  const [kind, ...rest] = decodeURIComponent(location.hash.slice(1)).split('/');
  const id = rest.join('/');
  if (kind === 'run' && id) await showRun(id);
  else if (kind === 'session' && id) await showSession(id);
  else closeDetail();
}

/** Checks the server for new runs and redraws what changed; the page never reloads. */
async function refresh(): Promise<void> {
  const status = await api.status();
  $('source').textContent =
    `${status.source.kind === 'jsonl' ? 'JSONL' : 'collector db'}: ${status.source.path}`;
  const skipped = Object.entries(status.skipped).filter(([, n]) => n > 0);
  const total = skipped.reduce((sum, [, n]) => sum + n, 0);
  $('skipped').textContent = total
    ? `skipped ${int(total)} (${skipped.map(([k, n]) => `${k.replaceAll('_', ' ')} ${int(n)}`).join(', ')})`
    : '';
  $('status').textContent =
    status.problem ?? `${int(status.runs)} runs${status.loaded ? ' · live' : ' · loading…'}`;
  if (status.version === version) return;
  version = status.version;
  renderOverview(await api.overview());
  await Promise.all([renderRuns(), renderSessions()]);
  document.body.dataset.version = String(version);
}

async function loop(): Promise<void> {
  try {
    await refresh();
  } catch (error) {
    $('status').textContent = `dashboard server unreachable (${(error as Error).message})`;
  }
  setTimeout(loop, POLL_MS);
}

bindFilters();
window.addEventListener('hashchange', () => void route());
void route();
void loop();
