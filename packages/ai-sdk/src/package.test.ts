import { readFileSync, readdirSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { AutoRuns } from './auto-runs.js';
import { memoryMetrics, tick } from './test-support.js';

describe('package', () => {
  it('the entry point imports nothing but @metrics/core (no Node-only module: edge runtimes work as far as the AI SDK does)', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir).filter(
      (file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'test-support.ts',
    );
    expect(sources).toContain('index.ts');
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((match) => match[1]);
      for (const specifier of imports)
        expect(`${file}: ${specifier}`).toMatch(/: (@metrics\/core|\.\/[a-z-]+\.js)$/);
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
    expect(diagnostics.some((d) => d.startsWith('run.evicted'))).toBe(true);
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
