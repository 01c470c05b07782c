import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listRuns } from '../aggregate/list-runs.js';
import { listSessions } from '../aggregate/list-sessions.js';
import { buildOverview } from '../aggregate/overview.js';
import { JsonlSource } from '../sources/jsonl-source.js';
import { RUN, T0, demoRecords, writeEvents } from '../test-support/demo-records.js';
import { RunStore } from './run-store.js';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'dashboard-store-'));
  path = join(dir, 'events.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(): Promise<{ store: RunStore; source: JsonlSource }> {
  const store = new RunStore();
  const source = new JsonlSource(path, store);
  await source.start();
  return { store, source };
}

describe('aggregation of JsonlExporter output', () => {
  it('sums tokens, calls, errors and tools exactly as the three records hold them', async () => {
    await writeEvents(path, demoRecords());
    const { store } = await load();
    const o = buildOverview(store);
    expect(o.runs).toBe(3);
    expect(o.sessions).toBe(1);
    expect(o.totals).toMatchObject({
      runs: 3,
      errorRuns: 1,
      modelCalls: 5,
      inputTokens: 1800,
      outputTokens: 390,
      totalTokens: 2190,
      cacheReadTokens: 890,
      cacheWriteTokens: 220,
      reasoningTokens: 15,
      toolCalls: 2,
      toolFailures: 1,
      throttles: 1,
      modelServerErrors: 1,
      modelLatencyMs: 2400,
      durationMs: 4000,
    });
    expect(o.byModel.map((g) => [g.key, g.runs, g.inputTokens, g.outputTokens, g.totalTokens])).toEqual([
      ['claude-sonnet-4-6', 1, 1300, 340, 1640],
      ['gpt-4o', 1, 500, 50, 550],
      ['gpt-4o-mini', 1, 0, 0, 0],
    ]);
    expect(o.byFramework.map((g) => [g.key, g.modelCalls, g.throttles])).toEqual([
      ['LANGGRAPH', 2, 0],
      ['OPENAI_AGENTS_SDK', 2, 1],
      ['AISDK', 1, 0],
    ]);
    expect(o.tools.byType).toEqual([
      { type: 'api', calls: 1, failures: 0, failureRate: 0 },
      { type: 'mcp', calls: 1, failures: 1, failureRate: 1 },
    ]);
    expect(o.tools.byName).toEqual([
      { name: 'fs.read', type: 'mcp', calls: 1, failures: 1, failureRate: 1 },
      { name: 'search', type: 'api', calls: 1, failures: 0, failureRate: 0 },
    ]);
    expect(o.errorClasses).toEqual({ modelCalls: { throttle: 1, server: 1 }, runs: { server: 1 } });
    expect(o.latency.ttftMs).toEqual({ count: 1, p50: 150, p90: 150, p99: 150, max: 150 });
    expect(o.latency.durationMs).toEqual({ count: 3, p50: 1500, p90: 2000, p99: 2000, max: 2000 });
    expect(o.latency.scatter).toEqual([
      [2000, 1300],
      [1500, 700],
      [500, 400],
    ]);
    expect(o.timeline).toMatchObject({
      start: T0,
      bucketMs: 5000,
      runs: [1, ...new Array(11).fill(0), 1, ...new Array(11).fill(0), 1],
    });
    expect(o.skipped).toMatchObject({ unreadable: 0, unknown_type: 0, truncated_tail: 0 });
  });

  it('rolls a session up from its runs, member runs counted, and counts llm_call events per run', async () => {
    await writeEvents(path, demoRecords());
    const { store } = await load();
    const sessions = listSessions(store);
    expect(sessions.total).toBe(1);
    expect(sessions.items[0]).toMatchObject({
      key: 'conv-1',
      runs: 2,
      memberRuns: 1,
      modelCalls: 4,
      inputTokens: 1800,
      outputTokens: 390,
      toolCalls: 2,
      firstAt: T0,
      lastAt: T0 + 61_500,
    });
    const runs = listRuns(store, { sessionId: 'conv-1', sort: 'startedAt', order: 'asc' });
    expect(runs.items.map((r) => [r.runId, r.memberRuns, r.llmCallEvents])).toEqual([
      [RUN.graph, 1, 2],
      [RUN.agents, 0, 2],
    ]);
  });

  it('skips and counts bad lines, and follows lines appended later', async () => {
    await writeEvents(path, demoRecords().slice(0, 1));
    await appendFile(
      path,
      [
        '{"type":"invocation","run_id":"x","rec', // truncated in the middle of the file
        '{"type":"llm_usage","version":2,"run_id":"y"}',
        '{"type":"span","run_id":"z"}',
        '[1,2]',
        '{"type":"invocation","run_id":"w","record":{"runId":"w"}}',
        '{"type":"invocation","run_id":"t","rec', // truncated at the end, no newline yet
      ].join('\n'),
    );
    const { store, source } = await load();
    expect(store.rows.length).toBe(1);
    expect(store.skipped).toMatchObject({
      unreadable: 1,
      unknown_version: 1,
      unknown_type: 1,
      not_an_object: 1,
      invalid_record: 1,
      truncated_tail: 1,
    });
    await appendFile(path, '\n');
    await writeEvents(path, demoRecords().slice(1));
    await source.poll();
    expect(store.rows.map((r) => r.runId)).toEqual([RUN.graph, RUN.agents, RUN.failed]);
    expect(store.skipped).toMatchObject({ unreadable: 2, truncated_tail: 0 });
    expect(listRuns(store, { errorsOnly: true }).items.map((r) => r.runId)).toEqual([RUN.failed]);
    expect(listRuns(store, { q: 'GPT-4O', sort: 'totalTokens' }).items.map((r) => r.runId)).toEqual([
      RUN.agents,
      RUN.failed,
    ]);
  });

  it('reads a run back whole from its byte range', async () => {
    await writeEvents(path, demoRecords());
    const { store, source } = await load();
    const record = (await source.readRecord(store.get(RUN.agents)!)) as {
      toolCalls: Array<{ name: string }>;
    };
    expect(record.toolCalls.map((t) => t.name)).toEqual(['fs.read']);
  });
});
