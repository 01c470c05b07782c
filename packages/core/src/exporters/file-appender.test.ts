import { spawn, execFileSync } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JsonlExporter, type JsonlStats } from './jsonl-exporter.js';
import { Diagnostics } from '../diagnostics.js';
import { makeRecord } from './test-support.js';

const CHILD = fileURLToPath(new URL('./fixtures/jsonl-child.ts', import.meta.url));
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-appender-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function identity(stats: JsonlStats): number {
  const dropped = Object.values(stats.dropped).reduce((a, b) => a + b, 0);
  return stats.written + dropped + stats.pending;
}

interface ChildResult {
  code: number | null;
  /** From the child's "exported" line to its exit. */
  ms: number;
  stats: JsonlStats & { shutdownMs: number };
}

function runChild(env: Record<string, string>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let readyAt = Date.now();
    child.stdout.on('data', (chunk) => {
      if (!out.includes('exported') && String(chunk).includes('exported')) readyAt = Date.now();
      out += String(chunk);
    });
    child.stderr.on('data', (chunk) => {
      err += String(chunk);
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the child did not exit within 20 s; stdout: ${out}; stderr: ${err}`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(guard);
      const last = out.trim().split('\n').at(-1) ?? '{}';
      try {
        resolve({ code, ms: Date.now() - readyAt, stats: JSON.parse(last) });
      } catch {
        reject(new Error(`unexpected child output: ${out} ${err}`));
      }
    });
  });
}

describe('JsonlExporter while the file cannot take more (a FIFO nobody reads)', () => {
  it('stays within maxBufferedRecords, counts every record, and shutdown() ends the wait', async () => {
    const fifo = join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK); // a reader that never reads
    // counts only: a listener keeping 30,000 events would be the memory measured
    const diagnostics = new Diagnostics({ logger: false });
    const exporter = new JsonlExporter({
      path: fifo,
      maxBufferedRecords: 500,
      flushIntervalMs: 5,
      diagnostics,
    });
    const record = makeRecord();
    const heapBefore = process.memoryUsage().heapUsed;
    let maxPending = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 1000; i++) exporter.export(record);
      maxPending = Math.max(maxPending, exporter.stats().pending);
      await sleep(10);
      maxPending = Math.max(maxPending, exporter.stats().pending);
    }
    const stuck = exporter.stats();
    const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    expect(heapGrowthMb).toBeLessThan(32); // generous: garbage not yet collected counts too
    expect(stuck.accepted).toBe(30_000);
    expect(maxPending).toBeLessThanOrEqual(500);
    expect(stuck.pending).toBeGreaterThan(0);
    expect(stuck.written).toBeLessThan(500); // a pipe holds 64 KiB by default: some dozens of records
    expect(stuck.dropped.buffer_full).toBe(30_000 - stuck.written - stuck.pending);
    expect(identity(stuck)).toBe(30_000);
    expect(diagnostics.snapshot()['record.dropped']).toBe(stuck.dropped.buffer_full);
    expect(await exporter.drain({ timeoutMs: 50 })).toBe(false); // flush has a deadline

    const started = Date.now();
    await exporter.shutdown({ timeoutMs: 100 });
    expect(Date.now() - started).toBeLessThan(2000);
    const after = exporter.stats();
    if (process.env.RELIABILITY_REPORT)
      console.info(
        JSON.stringify({ maxPending, heapGrowthMb, stuck, after, shutdownMs: Date.now() - started }),
      );
    expect(after.pending).toBe(0);
    expect(after.dropped.shutdown_timeout).toBe(stuck.pending);
    expect(identity(after)).toBe(30_000);
    closeSync(reader);
  });

  it('the process exits after shutdown() with a reader that never reads', async () => {
    const fifo = join(dir, 'stalled.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await runChild({
      MODE: 'fifo',
      OUT: fifo,
      READER: 'stalled',
      COUNT: '2000',
      SHUTDOWN_MS: '300',
    });
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(5000);
    expect(result.stats.accepted).toBe(2000);
    expect(result.stats.pending).toBe(0);
    expect(result.stats.dropped.shutdown_timeout).toBe(2000 - result.stats.written);
    expect(result.stats.written).toBeLessThan(2000);
    if (process.env.RELIABILITY_REPORT) console.info(JSON.stringify({ stalledReader: result }));
  });

  it('the process exits after shutdown() when the FIFO has no reader at all', async () => {
    const fifo = join(dir, 'unread.fifo');
    execFileSync('mkfifo', [fifo]);
    const result = await runChild({ MODE: 'fifo', OUT: fifo, COUNT: '50', SHUTDOWN_MS: '300' });
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(5000);
    expect(result.stats.written).toBe(0);
    expect(result.stats.dropped.shutdown_timeout).toBe(50);
    if (process.env.RELIABILITY_REPORT) console.info(JSON.stringify({ noReader: result }));
  });
});

describe('JsonlExporter with several processes appending to one file', () => {
  it('writes whole lines only: every line of 4 processes × 300 large records parses', async () => {
    const path = join(dir, 'shared.jsonl');
    const startAt = String(Date.now() + 2500);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() =>
        runChild({ MODE: 'append', OUT: path, COUNT: '300', CALLS: '12', START_AT: startAt }),
      ),
    );
    for (const result of results) {
      expect(result.code).toBe(0);
      expect(result.stats.written).toBe(300);
    }
    const text = await readFile(path, 'utf8');
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    let broken = 0;
    const types: Record<string, number> = {};
    const runs = new Set<string>();
    for (const line of lines) {
      try {
        const event = JSON.parse(line);
        types[event.type] = (types[event.type] ?? 0) + 1;
        if (event.type === 'invocation') runs.add(event.run_id);
      } catch {
        broken++;
      }
    }
    if (process.env.RELIABILITY_REPORT)
      console.info(JSON.stringify({ lines: lines.length, broken, bytes: text.length }));
    expect(broken).toBe(0);
    expect(types).toEqual({ llm_call: 4 * 300 * 12, llm_usage: 4 * 300, invocation: 4 * 300 });
    expect(runs.size).toBe(1200);
    expect(text.length).toBeGreaterThan(4 * 1024 * 1024); // batches far above Node's 512 KiB write pieces
  }, 60_000);
});
