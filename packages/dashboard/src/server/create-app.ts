import { Hono } from 'hono';
import { listRuns, toSummary } from '../aggregate/list-runs.js';
import { listSessions, sessionSummary } from '../aggregate/list-sessions.js';
import { buildOverview } from '../aggregate/overview.js';
import type { RunSource } from '../sources/run-source.js';
import type { RunStore } from '../store/run-store.js';
import { pageQuery, runQuery } from './query-params.js';
import type { StaticAsset } from './static-assets.js';

export interface AppContext {
  store: RunStore;
  source: RunSource;
  assets: Map<string, StaticAsset>;
  /** Set once the source was first read through. */
  loadedAt: () => number | undefined;
}

/** Only `127.0.0.1:PORT` / `localhost:PORT`: a page on another site cannot reach the API through DNS rebinding. */
function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(host);
}

/** The dashboard's HTTP API and page (see the README for each route). */
export function createApp({ store, source, assets, loadedAt }: AppContext): Hono {
  const app = new Hono();

  app.use(async (c, next) => {
    if (!isLoopbackHost(c.req.header('host'))) return c.text('forbidden host', 403);
    await next();
    c.header('Cache-Control', 'no-store');
  });

  app.get('/api/status', (c) =>
    c.json({
      version: store.version,
      runs: store.rows.length,
      loaded: loadedAt() !== undefined,
      source: { kind: source.kind, path: source.path },
      problem: source.problem ?? null,
      skipped: store.skipped,
    }),
  );
  app.get('/api/overview', (c) => c.json(store.memo('overview', () => buildOverview(store))));
  app.get('/api/runs', (c) => c.json(listRuns(store, runQuery(c.req.query()))));
  app.get('/api/runs/:id', async (c) => {
    const row = store.get(c.req.param('id'));
    if (!row) return c.json({ error: 'no such run' }, 404);
    let record: unknown = null;
    try {
      record = await source.readRecord(row);
    } catch (error) {
      return c.json({ run: toSummary(row), record: null, problem: (error as Error).message });
    }
    return c.json({ run: toSummary(row), record });
  });
  app.get('/api/sessions', (c) => c.json(listSessions(store, pageQuery(c.req.query()))));
  app.get('/api/sessions/:id', (c) => {
    const id = c.req.param('id');
    const session = sessionSummary(store, id);
    if (!session) return c.json({ error: 'no such session' }, 404);
    return c.json({ session, runs: listRuns(store, { ...runQuery(c.req.query()), sessionId: id }) });
  });

  app.get('/:file{(app\\.js|style\\.css)}', (c) => serve(assets.get(c.req.param('file'))));
  app.get('/', () => serve(assets.get('index.html')));
  return app;
}

function serve(asset: StaticAsset | undefined): Response {
  if (!asset) return new Response('not found', { status: 404 });
  return new Response(new Uint8Array(asset.body), { headers: { 'Content-Type': asset.type } });
}
