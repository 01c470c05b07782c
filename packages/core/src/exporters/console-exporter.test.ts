import { describe, expect, it } from 'vitest';
import type { InvocationExporter } from '../exporter.js';
import { InvocationRecorder } from '../recorder/invocation-recorder.js';
import { createUsage } from '../usage/usage.js';
import { ConsoleExporter } from './console-exporter.js';
import { FanOutExporter, fanOut } from './fan-out.js';
import { capture, makeRecord } from './test-support.js';

describe('ConsoleExporter', () => {
  it('prints one compact line per run', () => {
    const lines: string[] = [];
    const exporter = new ConsoleExporter({ logger: { log: (line: string) => lines.push(line) } });
    const run = new InvocationRecorder({ providerType: 'AISDK', name: 'support' });
    run.startModelCall({ model: 'gpt-4o' }).end({
      usage: createUsage({ inputTokens: 1200, outputTokens: 340, cacheReadTokens: 890 }),
    });
    run.startToolCall({ name: 'search', type: 'api' }).end();
    run.startToolCall({ name: 'fetch', type: 'api' }).fail(new Error('boom'));
    exporter.export(run.end()!);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\[agent-metrics\] AISDK ok "support" \d+ms model=gpt-4o calls=1 tokens=1200→340 \(cached 890\) tools=api 1\/2 run=[0-9a-f]{8}$/,
    );
  });
});

describe('fanOut', () => {
  it('gives each record to every exporter, isolating one exporter’s failure', async () => {
    const got: string[] = [];
    const broken: InvocationExporter = {
      name: 'broken',
      export: () => {
        throw new Error('exporter exploded');
      },
      flush: async () => {
        throw new Error('flush exploded');
      },
      shutdown: () => {
        throw new Error('shutdown exploded');
      },
    };
    const healthy: InvocationExporter = { export: (record) => got.push(record.runId) };
    const cap = capture();
    expect(fanOut(broken, healthy).exporters).toEqual([broken, healthy]);
    const fan = new FanOutExporter([broken, healthy], { diagnostics: cap.diagnostics });
    const record = makeRecord();
    expect(() => fan.export(record)).not.toThrow();
    await expect(fan.flush()).resolves.toBeUndefined();
    await expect(fan.shutdown()).resolves.toBeUndefined();
    expect(got).toEqual([record.runId]);
    expect(cap.events.map((e) => e.type)).toEqual(['adapter.error', 'adapter.error', 'adapter.error']);
    expect(cap.events[0]!.message).toContain('exporter exploded');
  });
});

describe('withFlush', () => {
  it('flushes after every handler call, passing its result and its error through', async () => {
    const { withFlush } = await import('./serverless.js');
    let flushes = 0;
    const exporter = {
      flush: async () => {
        flushes++;
        throw new Error('flush failure stays inside');
      },
    };
    const ok = withFlush(exporter, async (x: number) => x * 2);
    expect(await ok(21)).toBe(42);
    const failing = withFlush(exporter, () => {
      throw new Error('handler error');
    });
    await expect(failing()).rejects.toThrow('handler error');
    expect(flushes).toBe(2);
  });
});
