import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvocationRecorder, createUsage, toJsonlEvents } from '@metrics/core';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'agent-metrics-dashboard-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function eventsFile(): string {
  const run = new InvocationRecorder({
    providerType: 'LANGCHAIN',
    sessionId: 'conv-9',
    startedAt: 1_763_892_000_000,
  });
  run
    .startModelCall({ model: 'gpt-4o', startedAt: 1_763_892_000_000 })
    .end({ usage: createUsage({ inputTokens: 42, outputTokens: 7 }) }, 1_763_892_000_300);
  const record = run.end({ endedAt: 1_763_892_000_400 })!;
  const file = join(dir, 'events.jsonl');
  writeFileSync(
    file,
    toJsonlEvents(record)
      .map((e) => `${JSON.stringify(e)}\n`)
      .join(''),
  );
  return file;
}

function exitOf(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], (error, _stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

describe('agent-metrics dashboard', () => {
  it('prints its loopback URL, serves the file, and stops cleanly on SIGINT', async () => {
    const child = spawn(process.execPath, [bin, 'dashboard', eventsFile()], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await expect.poll(() => stdout, { timeout: 10_000 }).toMatch(/read 1 runs/);
    const url = /agent-metrics dashboard: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout)?.[1];
    expect(url).toBeDefined();
    const status = await (await fetch(new URL('api/status', url))).json();
    expect(status).toMatchObject({ runs: 1, source: { kind: 'jsonl' } });
    const overview = (await (await fetch(new URL('api/overview', url))).json()) as { totals: unknown };
    expect(overview.totals).toMatchObject({ inputTokens: 42, outputTokens: 7, modelCalls: 1 });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toContain('dashboard stopped');
  });

  it('a missing file exits 1, a bad port exits 2', async () => {
    const missing = await exitOf(['dashboard', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    expect((await exitOf(['dashboard', eventsFile(), '--port', 'x'])).code).toBe(2);
  });
});
