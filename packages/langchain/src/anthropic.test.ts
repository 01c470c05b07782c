import { ChatAnthropic } from '@langchain/anthropic';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { createAgent } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAffectedVersion } from './anthropic-fix.js';
import { MetricsCallbackHandler } from './handler.js';
import { createMetricsMiddleware } from './middleware.js';
import { payload, weather } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

function anthropic() {
  return new ChatAnthropic({
    model: 'claude-sonnet-4-5',
    apiKey: 'sk-ant-test-not-real',
    anthropicApiUrl: server.anthropicBaseUrl,
    maxRetries: 0,
  });
}

const steps = (key: string) =>
  server.script(key, [
    {
      toolCalls: [{ name: 'weather', arguments: { city: 'Bern' }, id: `${key}-1` }],
      usage: { input: 40, output: 9, cached: 10, cacheWrite: 5 },
    },
    { text: 'Bern is sunny.', usage: { input: 70, output: 6 } },
  ]);

describe('@langchain/anthropic streamed output tokens', () => {
  it('@langchain/anthropic over-reports streamed output by one per call; the handler corrects it on affected versions', async () => {
    const exporter = new InMemoryExporter();
    const uncorrected = new InMemoryExporter();
    const agent = createAgent({ model: anthropic(), tools: [weather] });
    steps('anth-stream');
    const chunks: unknown[] = [];
    const input = { messages: [{ role: 'user', content: 'script:anth-stream go' }] };
    const handler = new MetricsCallbackHandler({ exporters: [exporter], logger: false });
    const raw = new MetricsCallbackHandler({
      exporters: [uncorrected],
      logger: false,
      correctAnthropicStreamedUsage: false,
    });
    for await (const chunk of await agent.stream(input, {
      callbacks: [handler, raw],
      streamMode: 'messages',
    }))
      chunks.push(chunk);
    // what the framework itself reports: one token too many per streamed call
    expect(payload(uncorrected.records[0]).outputTokenCount).toBe(15 + 2);
    const p = payload(exporter.records[0]);
    expect(p).toMatchObject({ inputTokenCount: 110, outputTokenCount: 15, modelInvocationCount: 2 });
    expect(p.ttft).toBeGreaterThan(0);
    expect(exporter.records[0]?.summary.usage).toMatchObject({ cacheReadTokens: 10, cacheWriteTokens: 5 });
  });

  it('the middleware applies the same correction', async () => {
    const exporter = new InMemoryExporter();
    const agent = createAgent({
      model: anthropic(),
      tools: [weather],
      middleware: [createMetricsMiddleware({ exporters: [exporter], logger: false })],
    });
    steps('anth-mw');
    for await (const _ of await agent.stream(
      { messages: [{ role: 'user', content: 'script:anth-mw go' }] },
      { streamMode: 'messages' },
    )) {
      // consume
    }
    expect(payload(exporter.records[0])).toMatchObject({ inputTokenCount: 110, outputTokenCount: 15 });
  });

  it('unstreamed Anthropic calls are exact and never corrected', async () => {
    const exporter = new InMemoryExporter();
    const agent = createAgent({ model: anthropic(), tools: [weather] });
    steps('anth-invoke');
    await agent.invoke(
      { messages: [{ role: 'user', content: 'script:anth-invoke go' }] },
      { callbacks: [new MetricsCallbackHandler({ exporters: [exporter], logger: false })] },
    );
    expect(payload(exporter.records[0])).toMatchObject({
      inputTokenCount: 110,
      outputTokenCount: 15,
      ttft: 0,
    });
  });

  it('the correction is gated on the affected versions', () => {
    expect(isAffectedVersion('1.5.11')).toBe(true);
    expect(isAffectedVersion('0.3.30')).toBe(true);
    expect(isAffectedVersion('1.6.0')).toBe(false);
    expect(isAffectedVersion('2.0.0')).toBe(false);
    expect(isAffectedVersion('unknown')).toBe(false);
    expect(isAffectedVersion(undefined)).toBe(false);
  });
});
