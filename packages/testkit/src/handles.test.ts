import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const index = fileURLToPath(new URL('./index.ts', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
const packageDir = fileURLToPath(new URL('..', import.meta.url));

// Runs in a child process, which must then exit by itself: nothing may keep it alive.
const scenario = `
import OpenAI from 'openai';
import { startCollector, startModelServer } from ${JSON.stringify(index)};

const server = await startModelServer();
const collector = await startCollector({ latencyMs: 30_000 });
const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k', maxRetries: 0, timeout: 60_000 });
server.script('hang', [{ hang: true }]);
server.script('slow', [{ text: 'a b c', firstChunkDelayMs: 30_000 }]);
const hanging = client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'script:hang' }] }).catch((e) => e);
const slow = client.chat.completions
  .create({ model: 'm', messages: [{ role: 'user', content: 'script:slow' }], stream: true })
  .then(async (stream) => { for await (const _ of stream); })
  .catch((e) => e);
const posting = fetch(collector.endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).catch((e) => e);
const waiting = collector.waitForRecords(1, { timeoutMs: 30_000 }).catch((e) => e);
while (server.requests.length < 2 || collector.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
await Promise.all([server.close(), collector.close()]);
const outcomes = await Promise.all([hanging, slow, posting, waiting]);
console.log(JSON.stringify(outcomes.map((o) => o instanceof Error)));
`;

describe('close() leaves nothing behind', () => {
  it('the process exits by itself after closing with a hang, a delayed stream, a slow answer and a waiter in flight', async () => {
    // Inside the package, so that the scenario resolves the package's own dependencies.
    const dir = await mkdtemp(join(packageDir, '.handles-'));
    try {
      const file = join(dir, 'scenario.mts');
      await writeFile(file, scenario);
      const start = performance.now();
      const { code, stdout, stderr } = await new Promise<{
        code: number | null;
        stdout: string;
        stderr: string;
      }>((resolve) => {
        const child = spawn(process.execPath, ['--import', tsx, file], {
          cwd: packageDir,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += d));
        child.stderr.on('data', (d) => (stderr += d));
        const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        child.on('exit', (code) => {
          clearTimeout(killer);
          resolve({ code, stdout, stderr });
        });
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout.trim()).toBe('[true,true,true,true]');
      expect(performance.now() - start).toBeLessThan(15_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
