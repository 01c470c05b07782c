import { describe, expect, it } from 'vitest';
import { getCurrentInvocation } from './context.js';
import { Diagnostics } from './diagnostics.js';
import { ConfigurationError, MetricsError, ValidationError } from './errors/metrics-error.js';
import { createMetrics } from './metrics.js';
import { toResourceMetric } from './payload/to-resource-metric.js';
import { InMemoryExporter } from './testing/in-memory-exporter.js';
import { fromOpenAIChatUsage } from './usage/from-openai.js';

describe('createMetrics / withInvocation', () => {
  it('records a successful run and returns the function result untouched', async () => {
    const memory = new InMemoryExporter();
    const metrics = createMetrics({ exporters: [memory], sessionId: 'conversation-1' });
    const result = await metrics.withInvocation({ model: 'gpt-4o' }, async (run) => {
      expect(getCurrentInvocation()).toBe(run);
      expect(metrics.current()).toBe(run);
      run.startModelCall().end({ usage: fromOpenAIChatUsage({ prompt_tokens: 9, completion_tokens: 2 }) });
      return { answer: 42 };
    });
    expect(result).toEqual({ answer: 42 });
    expect(getCurrentInvocation()).toBeUndefined();
    expect(memory.records).toHaveLength(1);
    expect(memory.records[0]).toMatchObject({
      providerType: 'CUSTOM_PROVIDER',
      sessionId: 'conversation-1',
      model: 'gpt-4o',
      outcome: 'success',
    });
    expect(toResourceMetric(memory.records[0]!, { accountId: 'acct' })).toMatchObject({
      inputTokenCount: 9,
      outputTokenCount: 2,
      modelInvocationCount: 1,
    });
  });

  it('records a run that throws and rethrows the very same error', async () => {
    const memory = new InMemoryExporter();
    const metrics = createMetrics({ exporters: [memory] });
    const error = Object.assign(new Error('tool host down'), { status: 502 });
    await expect(metrics.withInvocation({}, () => Promise.reject(error))).rejects.toBe(error);
    await expect(
      metrics.withInvocation({}, () => {
        throw error;
      }),
    ).rejects.toBe(error);
    expect(memory.records.map((r) => [r.outcome, r.error?.status])).toEqual([
      ['error', 502],
      ['error', 502],
    ]);
    expect(toResourceMetric(memory.records[0]!, { accountId: 'acct' }).invocationServerErrors).toBe(1);
  });

  it('keeps concurrent invocations apart through the async context', async () => {
    const memory = new InMemoryExporter();
    const metrics = createMetrics({ exporters: [memory] });
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        metrics.withInvocation({ name: `run-${i}` }, async () => {
          for (let call = 0; call <= i % 4; call++) {
            await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
            getCurrentInvocation()!
              .startModelCall()
              .end({ usage: fromOpenAIChatUsage({ prompt_tokens: i, completion_tokens: 1 }) });
          }
        }),
      ),
    );
    expect(memory.records).toHaveLength(20);
    for (const record of memory.records) {
      const i = Number(record.name!.slice(4));
      expect(record.summary.modelCalls).toBe((i % 4) + 1);
      expect(record.summary.usage?.inputTokens).toBe(i * ((i % 4) + 1));
    }
  });

  it('isolates a throwing exporter from the others and from the agent', async () => {
    const memory = new InMemoryExporter();
    const diagnostics = new Diagnostics({ logger: false });
    const seen: string[] = [];
    diagnostics.on((event) => seen.push(`${event.type}:${event.source}`));
    const broken = {
      name: 'broken',
      export() {
        throw new Error('disk full');
      },
      async flush() {
        throw new Error('still full');
      },
    };
    const metrics = createMetrics({ exporters: [broken, memory], diagnostics });
    await expect(metrics.withInvocation({}, async () => 'ok')).resolves.toBe('ok');
    await expect(metrics.flush()).resolves.toBeUndefined();
    expect(memory.records).toHaveLength(1);
    expect(seen).toEqual(['adapter.error:broken', 'adapter.error:broken']);
  });

  it('rejects bad options with a typed ConfigurationError', () => {
    expect(() => createMetrics({ providerType: 'NOPE' as never })).toThrow(ConfigurationError);
    expect(() => createMetrics({ exporters: [{} as never] })).toThrow(/exporters\[0\]/);
    try {
      createMetrics({ providerType: 'NOPE' as never });
    } catch (error) {
      expect(MetricsError.isInstance(error)).toBe(true);
      expect((error as ConfigurationError).option).toBe('providerType');
    }
  });

  it('turns an unusable payload configuration into a ValidationError naming the field', async () => {
    const memory = new InMemoryExporter();
    await createMetrics({ exporters: [memory] }).withInvocation({}, async () => undefined);
    expect(() => toResourceMetric(memory.records[0]!, { accountId: '' })).toThrow(ValidationError);
    try {
      toResourceMetric(memory.records[0]!, { accountId: '' });
    } catch (error) {
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['extAccountAliasId']);
    }
  });
});

describe('Diagnostics', () => {
  it('counts by type, isolates listeners and rate-limits printed warnings', () => {
    const printed: string[] = [];
    const diagnostics = new Diagnostics({
      logger: { warn: (m: string) => printed.push(m) },
      logIntervalMs: 60_000,
    });
    diagnostics.on(() => {
      throw new Error('bad listener');
    });
    for (let i = 0; i < 5; i++)
      diagnostics.emit({ type: 'record.dropped', level: 'warn', message: 'dropped' });
    diagnostics.emit({ type: 'other', level: 'debug', message: 'quiet' });
    expect(diagnostics.snapshot()).toEqual({ 'record.dropped': 5, other: 1 });
    expect(printed).toEqual(['[agent-metrics] dropped']);
  });

  it('emitOnce emits only the first event of its type on a channel', () => {
    const seen: string[] = [];
    const diagnostics = new Diagnostics({ logger: false });
    diagnostics.on((event) => seen.push(event.message));
    diagnostics.emitOnce({ type: 'hint', level: 'warn', message: 'first' });
    diagnostics.emitOnce({ type: 'hint', level: 'warn', message: 'second' });
    diagnostics.emitOnce({ type: 'other-hint', level: 'warn', message: 'third' });
    expect(seen).toEqual(['first', 'third']);
    expect(diagnostics.snapshot()).toEqual({ hint: 1, 'other-hint': 1 });
    const fresh = new Diagnostics({ logger: false });
    fresh.emitOnce({ type: 'hint', level: 'warn', message: 'again' });
    expect(fresh.snapshot()).toEqual({ hint: 1 });
  });
});
