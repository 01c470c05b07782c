import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCollectorDatabase, startCollector } from './index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'metrics-testkit-db-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const record = (inputTokenCount: number) => ({
  extAccountAliasId: '00000000-0000-4000-8000-000000000000',
  providerType: 'LANGCHAIN',
  operation: 'InvokeAgent',
  sessionId: crypto.randomUUID(),
  schemaVersion: '1.0.0',
  time: Date.now(),
  extModelId: 'gpt-4o',
  inputTokenCount,
});

describe('collector persistence (node:sqlite)', () => {
  it('keeps accepted records and every request across restarts of the collector', async () => {
    const databasePath = join(dir, 'metrics.db');
    const post = (endpoint: string, body: unknown) =>
      fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });

    const first = await startCollector({ databasePath });
    expect((await post(first.endpoint, { resourceMetrics: [record(1), record(2)] })).status).toBe(200);
    expect((await post(first.endpoint, { resourceMetrics: [{ nope: true }] })).status).toBe(400);
    first.failNext(1, 503);
    expect((await post(first.endpoint, { resourceMetrics: [record(3)] })).status).toBe(503);
    await first.close();

    const second = await startCollector({ databasePath });
    expect((await post(second.endpoint, { resourceMetrics: [record(4)] })).status).toBe(200);
    await second.close();

    const { records, requests } = await readCollectorDatabase(databasePath);
    expect(records.map((r) => r.record.inputTokenCount)).toEqual([1, 2, 4]);
    expect(records[0]?.record).toMatchObject({ providerType: 'LANGCHAIN', extModelId: 'gpt-4o' });
    expect(requests.map((r) => [r.status, r.accepted])).toEqual([
      [200, 2],
      [400, 0],
      [503, 0],
      [200, 1],
    ]);
    expect(requests[1]?.error).toMatch(/invalid resourceMetrics payload/);
  });
});
