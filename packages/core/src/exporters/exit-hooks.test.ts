import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRET, type TestServer, freePort, secretForms, startServer } from './test-support.js';

const CHILD = fileURLToPath(new URL('./fixtures/exit-child.ts', import.meta.url));
const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  ms: number;
  stderr: string;
}

/** Runs the child; `onReady` is called once it has exported. Measures from 'exported' to exit. */
function runChild(
  env: Record<string, string>,
  onReady?: (kill: (s: NodeJS.Signals) => void) => void,
): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, TOKEN: SECRET, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let readyAt = Date.now();
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('exported')) {
        readyAt = Date.now();
        onReady?.((signal) => child.kill(signal));
      }
    });
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`child did not exit; stderr: ${stderr}`));
    }, 20_000);
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, ms: Date.now() - readyAt, stderr });
    });
  });
}

describe('process exit', () => {
  it('a process with pending (unref’d) exporter timers exits at once', async () => {
    const s = await startServer();
    servers.push(s);
    const result = await runChild({ ENDPOINT: s.url, MODE: 'none', COUNT: '5' });
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(3000);
  });

  it('flushOnExit delivers the queued records on beforeExit and the process still exits promptly', async () => {
    const s = await startServer();
    servers.push(s);
    const result = await runChild({ ENDPOINT: s.url, MODE: 'hook', COUNT: '7' });
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(3000);
    expect(s.accepted).toHaveLength(7);
    expect(new Set(s.accepted.map((m) => m.sessionId)).size).toBe(7);
  });

  it('flushOnExit with a dead endpoint exits by the shutdown deadline, counting the loss, leaking no secret', async () => {
    const port = await freePort();
    const result = await runChild({ ENDPOINT: `http://127.0.0.1:${port}/x`, MODE: 'hook', COUNT: '3' });
    expect(result.code).toBe(0);
    expect(result.ms).toBeLessThan(3000);
    expect(result.stderr).toContain('dropped 3 record(s) (shutdown_timeout)');
    for (const form of secretForms()) expect(result.stderr).not.toContain(form);
  });

  it('flushOnExit delivers on SIGTERM, then lets the signal end the process', async () => {
    const s = await startServer();
    servers.push(s);
    const result = await runChild({ ENDPOINT: s.url, MODE: 'hook', STAY: '1', COUNT: '4' }, (kill) =>
      kill('SIGTERM'),
    );
    expect(result.signal).toBe('SIGTERM');
    expect(result.ms).toBeLessThan(3000);
    expect(s.accepted).toHaveLength(4);
  });
});
