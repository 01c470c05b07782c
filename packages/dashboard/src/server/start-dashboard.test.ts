import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toResourceMetric } from '@metrics/core';
import { startCollector } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildClient } from '../../scripts/build-client.js';
import { RUN, demoRecords, writeEvents } from '../test-support/demo-records.js';
import { type Dashboard, startDashboard } from './start-dashboard.js';

let dir: string;
let assetsDir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dashboard-http-'));
  assetsDir = join(dir, 'public');
  await buildClient(assetsDir);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function json(dashboard: Dashboard, path: string): Promise<any> {
  const response = await fetch(new URL(path, dashboard.url));
  expect(response.status).toBe(200);
  return response.json();
}

describe('dashboard HTTP API over a JSONL file', () => {
  let dashboard: Dashboard;
  const path = () => join(dir, 'events.jsonl');
  beforeAll(async () => {
    const [first, ...rest] = demoRecords();
    await writeEvents(path(), [first!]);
    dashboard = await startDashboard({ source: path(), assetsDir, pollMs: 50 });
    await dashboard.loaded;
    await writeEvents(path(), rest);
  });
  afterAll(() => dashboard.close());

  it('listens on loopback and serves the page and its script', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(dashboard.url);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<script src="app.js"></script>');
    const script = await fetch(new URL('app.js', dashboard.url));
    expect(script.status).toBe(200);
    expect((await script.text()).length).toBeGreaterThan(50_000);
  });

  it('picks up runs appended after it started, without a restart', async () => {
    await expect.poll(async () => (await json(dashboard, 'api/status')).runs, { timeout: 5000 }).toBe(3);
    const overview = await json(dashboard, 'api/overview');
    expect(overview.totals).toMatchObject({
      inputTokens: 1800,
      outputTokens: 390,
      modelCalls: 5,
      throttles: 1,
    });
  });

  it('pages runs and sessions, and answers a run with its whole record', async () => {
    const page = await json(dashboard, 'api/runs?limit=2&offset=1&sort=startedAt&order=asc');
    expect(page).toMatchObject({ total: 3, offset: 1, limit: 2 });
    expect(page.items.map((r: any) => r.runId)).toEqual([RUN.agents, RUN.failed]);
    const sessions = await json(dashboard, 'api/sessions');
    expect(sessions.items.map((s: any) => [s.key, s.runs])).toEqual([['conv-1', 2]]);
    const session = await json(dashboard, 'api/sessions/conv-1');
    expect(session.runs.items.map((r: any) => r.runId)).toEqual([RUN.agents, RUN.graph]);
    const detail = await json(dashboard, `api/runs/${RUN.graph}`);
    expect(detail.run).toMatchObject({ runId: RUN.graph, inputTokens: 1300, llmCallEvents: 2 });
    expect(detail.record.members[0].name).toBe('researcher');
    expect((await fetch(new URL('api/runs/nope', dashboard.url))).status).toBe(404);
  });

  it('refuses a request for another host name', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        new URL('api/status', dashboard.url),
        { headers: { host: 'evil.example' } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });
});

describe('dashboard over a live collector database', () => {
  it('reads the records the collector stored, and counts a read blocked by its lock', async () => {
    const databasePath = join(dir, 'collector.db');
    const collector = await startCollector({ databasePath });
    const post = (records: ReturnType<typeof demoRecords>) =>
      fetch(collector.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceMetrics: records.map((r) =>
            toResourceMetric(r, { accountId: '00000000-0000-4000-8000-000000000000' }),
          ),
        }),
      });
    const [first, second, third] = demoRecords();
    expect((await post([first!, second!])).status).toBe(200);
    const dashboard = await startDashboard({ source: databasePath, assetsDir, pollMs: 60_000 });
    try {
      await dashboard.loaded;
      expect(dashboard.source.kind).toBe('collector-db');
      expect(dashboard.store.rows.map((r) => [r.providerType, r.inputTokens, r.throttles])).toEqual([
        ['LANGGRAPH', 1300, 0],
        ['OPENAI_AGENTS_SDK', 500, 1],
      ]);
      const { DatabaseSync } = await import('node:sqlite');
      const locker = new DatabaseSync(databasePath);
      locker.exec('BEGIN EXCLUSIVE');
      await dashboard.source.poll();
      expect(dashboard.store.skipped.database_locked).toBe(1);
      locker.exec('ROLLBACK');
      locker.close();
      expect((await post([third!])).status).toBe(200);
      await dashboard.source.poll();
      expect(dashboard.store.rows.length).toBe(3);
      const detail = await json(dashboard, `api/runs/${third!.runId}`);
      expect(detail.record).toMatchObject({ providerType: 'AISDK', modelInvocationServerErrors: 1 });
    } finally {
      await dashboard.close();
      await collector.close();
    }
  });
});
