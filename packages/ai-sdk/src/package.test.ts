import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';
import { AutoRuns } from './auto-runs.js';
import { aiSdkMiddleware, aiSdkTelemetry } from './index.js';
import { memoryMetrics, tick } from './test-support.js';

describe('package', () => {
  it('the entry point imports nothing but @metrics/core and its adapter entry (no Node-only module: edge runtimes work as far as the AI SDK does)', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'test-support.ts',
    );
    expect(sources).toContain('index.ts');
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      for (const specifier of imports)
        expect(`${file}: ${specifier}`).toMatch(/: (@metrics\/core(\/adapter)?|\.\/[a-z-]+\.js)$/);
    }
  });
});

describe('middleware runs without the integration', () => {
  it('are bounded: beyond maxOpenRuns the oldest is ended and reported', () => {
    const { metrics, memory, diagnostics } = memoryMetrics();
    const runs = new AutoRuns(metrics, { maxOpenRuns: 2 });
    for (let i = 0; i < 3; i++) {
      const { run } = runs.begin([{ role: 'user', content: [{ type: 'text', text: `q${i}` }] }], 'm');
      runs.succeeded(run, [{ id: `call-${i}`, name: 'add' }]);
    }
    expect(runs.size).toBe(2);
    expect(memory.records).toHaveLength(1);
    expect(diagnostics.some((d) => d.startsWith('runs.evicted'))).toBe(true);
    runs.endAll();
    expect(memory.records).toHaveLength(3);
  });

  it('a run waiting for a next step that never comes is ended after idleTimeoutMs, at its last activity', async () => {
    const { metrics, memory } = memoryMetrics();
    const runs = new AutoRuns(metrics, { idleTimeoutMs: 20 });
    const { run, attempt } = runs.begin([{ role: 'user', content: [] }], 'm');
    expect(attempt).toBe(1);
    runs.succeeded(run, [{ id: 'call-x', name: 'add' }]);
    await tick(5);
    expect(memory.records).toHaveLength(0);
    await tick(80);
    expect(memory.records).toHaveLength(1);
    expect(memory.records[0]!.endedAt).toBeLessThan(memory.records[0]!.startedAt + 20);
  });
});

describe('process lifetime', () => {
  it('a middleware run waiting for its next step never keeps the process alive', () => {
    const autoRuns = fileURLToPath(new URL('./auto-runs.ts', import.meta.url));
    const core = fileURLToPath(new URL('../node_modules/@metrics/core/dist/index.js', import.meta.url));
    const script = `
      const { AutoRuns } = await import(${JSON.stringify(autoRuns)});
      const { createMetrics } = await import(${JSON.stringify(core)});
      const runs = new AutoRuns(createMetrics({ logger: false }), { idleTimeoutMs: 60000 });
      const { run } = runs.begin([{ role: 'user', content: [] }], 'm');
      runs.succeeded(run, [{ id: 'call-1', name: 'add' }]);
      console.log('waiting', runs.size);
    `;
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(child.stdout.trim()).toBe('waiting 1');
    expect(child.status).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
  });
});

describe('hostile input', () => {
  it('no hook throws on malformed events, and the execute wrappers return what they wrap', async () => {
    const { metrics } = memoryMetrics();
    const integration = aiSdkTelemetry(metrics);
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('hostile getter');
        },
      },
    );
    const events: unknown[] = [undefined, null, 42, 'x', {}, { callId: 5 }, hostile];
    for (const event of events) {
      expect(() => integration.onStart(event as never)).not.toThrow();
      expect(() => integration.onEnd(event as never)).not.toThrow();
      expect(() => integration.onError(event)).not.toThrow();
      expect(() => integration.onAbort(event as never)).not.toThrow();
      expect(() => integration.onObjectStepStart(event as never)).not.toThrow();
      expect(() => integration.onObjectStepEnd(event as never)).not.toThrow();
    }
    integration.onStart({ callId: 'c1', operationId: 'ai.generateText', tools: hostile });
    const value = { weird: true };
    expect(await integration.executeLanguageModelCall({ callId: 'c1', execute: async () => value })).toBe(
      value,
    );
    const failure = new Error('provider down');
    await expect(
      integration.executeLanguageModelCall({
        callId: 'c1',
        execute: async () => {
          throw failure;
        },
      }),
    ).rejects.toBe(failure);
    expect(
      await integration.executeTool({
        callId: 'c1',
        toolCallId: 't',
        toolCall: hostile,
        execute: async () => 7,
      }),
    ).toBe(7);

    const middleware = aiSdkMiddleware(metrics);
    const result = { content: hostile, usage: hostile };
    expect(
      await middleware.wrapGenerate({
        doGenerate: async () => result,
        doStream: async () => undefined,
        params: hostile,
        model: hostile,
      }),
    ).toBe(result);
    const streamResult = { stream: null };
    expect(
      await middleware.wrapStream({
        doGenerate: async () => undefined,
        doStream: async () => streamResult,
        params: { prompt: [null, 1, { role: 'tool', content: [null, { type: 'tool-result' }] }] },
        model: {},
      }),
    ).toBe(streamResult);
  });
});
