import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationRecorder } from '../recorder/invocation-recorder.js';
import { createUsage } from '../usage/usage.js';
import { JsonlExporter } from './jsonl-exporter.js';
import { capture } from './test-support.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'jsonl-exporter-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function lines(path: string): Promise<any[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

function runWithTwoCalls(sessionId = 'conv-1') {
  const run = new InvocationRecorder({
    providerType: 'LANGGRAPH',
    sessionId,
    model: 'anthropic:claude-sonnet-4-6',
  });
  run.startModelCall({ model: 'claude-sonnet-4-6' }).end({
    usage: createUsage(
      { inputTokens: 1200, outputTokens: 300, cacheReadTokens: 890, cacheWriteTokens: 220 },
      { prompt: 'SECRET PROMPT TEXT' },
    ),
  });
  const member = run.startMemberRun({ kind: 'subagent', name: 'researcher' });
  member.startModelCall({ model: 'claude-sonnet-4-6' }).end({
    usage: createUsage({ inputTokens: 100, outputTokens: 40, reasoningTokens: 15 }),
  });
  member.end();
  return run.end()!;
}

describe('JsonlExporter', () => {
  it('writes one llm_usage event summed over every model call of the run, then the invocation', async () => {
    const path = join(dir, 'nested', 'events.jsonl');
    const exporter = new JsonlExporter({ path, logger: false });
    const record = runWithTwoCalls();
    exporter.export(record);
    await exporter.flush();
    const events = await lines(path);
    expect(events.map((e) => e.type)).toEqual(['llm_usage', 'invocation']);
    expect(events[0]).toEqual({
      type: 'llm_usage',
      timestamp: new Date(Math.round(record.endedAt)).toISOString(),
      run_id: record.runId,
      session_id: 'conv-1',
      model: 'claude-sonnet-4-6',
      input_tokens: 1300,
      output_tokens: 340,
      total_tokens: 1640,
      cache_read_input_tokens: 890,
      cache_creation_input_tokens: 220,
      reasoning_tokens: 15,
    });
    expect(events[1].record.runId).toBe(record.runId);
    expect(events[1].record.summary.modelCalls).toBe(2);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('SECRET PROMPT TEXT');
    expect(exporter.stats()).toEqual({
      accepted: 1,
      written: 1,
      pending: 0,
      dropped: { buffer_full: 0, write_error: 0, invalid: 0, after_shutdown: 0, shutdown_timeout: 0 },
    });
  });

  it('writes no llm_usage event for a run whose framework reported no usage', async () => {
    const path = join(dir, 'events.jsonl');
    const exporter = new JsonlExporter({ path, logger: false });
    const run = new InvocationRecorder({});
    run.startModelCall({ model: 'local' }).end({});
    exporter.export(run.end()!);
    await exporter.flush();
    expect((await lines(path)).map((e) => e.type)).toEqual(['invocation']);
  });

  it('writes one event per re-invocation, each its own run', async () => {
    const path = join(dir, 'events.jsonl');
    const exporter = new JsonlExporter({ path, logger: false });
    const first = runWithTwoCalls('conv-9');
    const repair = runWithTwoCalls('conv-9');
    exporter.export(first);
    exporter.export(repair);
    await exporter.shutdown();
    const usage = (await lines(path)).filter((e) => e.type === 'llm_usage');
    expect(usage.map((e) => e.run_id)).toEqual([first.runId, repair.runId]);
    expect(usage.every((e) => e.session_id === 'conv-9' && e.input_tokens === 1300)).toBe(true);
  });

  it('writes llm_call events (members included) only when turned on', async () => {
    const path = join(dir, 'events.jsonl');
    const exporter = new JsonlExporter({ path, modelCalls: true, logger: false });
    const record = runWithTwoCalls();
    exporter.export(record);
    await exporter.flush();
    const events = await lines(path);
    expect(events.map((e) => e.type)).toEqual(['llm_call', 'llm_call', 'llm_usage', 'invocation']);
    expect(events[0]).toMatchObject({
      run_id: record.runId,
      input_tokens: 1200,
      cache_read_input_tokens: 890,
    });
    expect(events[1]).toMatchObject({
      run_id: record.members[0]!.runId,
      root_run_id: record.runId,
      reasoning_tokens: 15,
    });
  });

  it('reports a write error as a diagnostic, counts the records, and never throws', async () => {
    const file = join(dir, 'a-file');
    await writeFile(file, 'x');
    const cap = capture();
    const exporter = new JsonlExporter({ path: join(file, 'events.jsonl'), diagnostics: cap.diagnostics });
    expect(() => exporter.export(runWithTwoCalls())).not.toThrow();
    exporter.export(runWithTwoCalls());
    await exporter.flush();
    const stats = exporter.stats();
    expect(stats.dropped.write_error).toBe(2);
    expect(stats.accepted).toBe(
      stats.written + stats.pending + Object.values(stats.dropped).reduce((a, b) => a + b),
    );
    expect(cap.events.find((e) => e.type === 'record.dropped')!.data).toMatchObject({
      reason: 'write_error',
      count: 2,
    });
  });

  it('writes in the background after the flush interval, and refuses records after shutdown', async () => {
    const path = join(dir, 'events.jsonl');
    const exporter = new JsonlExporter({ path, flushIntervalMs: 10, logger: false });
    exporter.export(runWithTwoCalls());
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await lines(path)).toHaveLength(2);
    await exporter.shutdown();
    exporter.export(runWithTwoCalls());
    expect(exporter.stats().dropped.after_shutdown).toBe(1);
  });
});

describe('JsonlExporter with an unserializable record', () => {
  it('drops only that record, counted as invalid, and writes the others', async () => {
    const path = join(dir, 'events.jsonl');
    const cap = capture();
    const exporter = new JsonlExporter({ path, diagnostics: cap.diagnostics });
    const bad = { ...runWithTwoCalls(), metadata: { big: 1n } } as never;
    exporter.export(bad);
    exporter.export(runWithTwoCalls());
    await exporter.flush();
    const stats = exporter.stats();
    expect(stats).toMatchObject({ accepted: 2, written: 1, pending: 0 });
    expect(stats.dropped.invalid).toBe(1);
    expect((await lines(path)).map((e) => e.type)).toEqual(['llm_usage', 'invocation']);
  });
});
