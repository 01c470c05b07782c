import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const run = promisify(execFile);

async function cli(
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = run(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? '' } });
  if (input !== undefined) {
    child.child.stdin!.end(input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const record = {
  extAccountAliasId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70',
  providerType: 'LANGCHAIN',
  operation: 'InvokeAgent',
  sessionId: '0b7e6f52-4d3c-4e2a-8f1b-9c8d7e6f5a4b',
  schemaVersion: '1.0.0',
  time: 1763892000123,
  inputTokenCount: 12,
  tools: [{ toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 }],
};
const dir = mkdtempSync(join(tmpdir(), 'agent-metrics-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('agent-metrics (as a subprocess)', () => {
  it('prints help and exits 0; a missing command exits 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('agent-metrics smoke');
    expect(help.stdout).toContain('agent-metrics validate');
    expect((await cli([])).code).toBe(2);
    const unknown = await cli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
  });

  it('validate: a valid body from a file exits 0', async () => {
    const file = join(dir, 'valid.json');
    writeFileSync(file, JSON.stringify({ resourceMetrics: [record, record] }));
    const result = await cli(['validate', file]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('valid (2 records)');
  });

  it('validate: lists every problem with its path, from stdin, and exits 1', async () => {
    const bad = [
      {
        ...record,
        time: 1763892000,
        tools: [{ toolType: 'rest', toolCalls: 1, successCount: 0, failureCount: 0 }],
      },
      { ...record, providerType: 'X' },
    ];
    const result = await cli(['validate', '-'], JSON.stringify(bad));
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('4 problems');
    expect(result.stdout).toContain('[0].time  [epoch-ms]');
    expect(result.stdout).toContain('[0].tools[0].toolType  [enum]');
    expect(result.stdout).toContain('[0].tools[0].toolCalls  [tool-counts]');
    expect(result.stdout).toContain('[1].providerType  [enum]');
    const json = await cli(['validate', '--json', '-'], '{not json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, issues: [{ path: '(root)', rule: 'type' }] });
  });

  it('report: sums llm_usage events per session and per model', async () => {
    const file = join(dir, 'events.jsonl');
    const usage = (session: string, model: string, input: number, output: number) =>
      JSON.stringify({
        type: 'llm_usage',
        timestamp: '2026-11-23T10:00:00.000Z',
        session_id: session,
        model,
        input_tokens: input,
        output_tokens: output,
        total_tokens: input + output,
        cache_read_input_tokens: 1,
        cache_creation_input_tokens: 0,
        reasoning_tokens: 2,
      });
    writeFileSync(
      file,
      [
        usage('s1', 'gpt-4o', 100, 10),
        usage('s1', 'gpt-4o-mini', 50, 5),
        usage('s2', 'gpt-4o', 7, 3),
        '{"type":"invocation"}',
        'garbage',
        '',
      ].join('\n'),
    );
    const result = await cli(['report', file, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.events).toBe(3);
    expect(report.skippedLines).toBe(1);
    expect(report.bySession.s1).toMatchObject({
      runs: 2,
      inputTokens: 150,
      outputTokens: 15,
      totalTokens: 165,
      cacheReadTokens: 2,
      reasoningTokens: 4,
    });
    expect(report.byModel['gpt-4o']).toMatchObject({ runs: 2, inputTokens: 107, outputTokens: 13 });
    expect(report.total).toMatchObject({ runs: 3, inputTokens: 157, outputTokens: 18 });
    const table = await cli(['report', file]);
    expect(table.stdout).toMatch(/s1\s+2\s+150\s+15\s+165/);
  });

  it('report on a missing file explains and exits 1', async () => {
    const result = await cli(['report', join(dir, 'nope.jsonl')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ENOENT');
  });
});
