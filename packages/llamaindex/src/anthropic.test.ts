import { Anthropic, AnthropicSession } from '@llamaindex/anthropic';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectPayload, payload, setup } from './test-helpers.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());

function claude() {
  return new Anthropic({
    model: 'claude-3-5-sonnet',
    session: new AnthropicSession({ apiKey: 'test', baseURL: server.anthropicBaseUrl, maxRetries: 0 }),
  });
}

describe('@llamaindex/anthropic (a provider other than OpenAI)', () => {
  it('not streamed: usage from the Messages API response, cache reads included in the input', async () => {
    const { exporter, metrics, diagnostics } = setup();
    server.script('claude-plain', [{ text: 'Plain.', usage: { input: 30, output: 4, cached: 5 } }]);
    const response = await metrics.run(() =>
      claude().chat({ messages: [{ role: 'user', content: 'script:claude-plain hi' }] }),
    );
    expect(response.message.content).toEqual([{ type: 'text', text: 'Plain.' }]);
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), { input: 30, output: 4, calls: 1, streamed: false });
    expect(record?.summary.usage).toMatchObject({ cacheReadTokens: 5, cacheWriteTokens: 0 });
    expect(diagnostics.filter((d) => d.type === 'llamaindex.streamed-usage-missing')).toEqual([]);
  });

  it('streamed: @llamaindex/anthropic yields only the content deltas, so usage is not reported (0 in the payload)', async () => {
    const { exporter, metrics, diagnostics } = setup();
    server.script('claude-stream', [
      { text: 'one two three', usage: { input: 40, output: 6, cached: 10 }, chunkDelayMs: 5 },
    ]);
    const stream = await metrics.run(() =>
      claude().chat({ messages: [{ role: 'user', content: 'script:claude-stream count' }], stream: true }),
    );
    let text = '';
    for await (const chunk of stream) text += chunk.delta;
    expect(text).toBe('one two three');
    const [record] = await exporter.waitFor(1);
    // the server did send usage (message_start / message_delta); LlamaIndex drops those events
    expect(record?.modelCalls).toHaveLength(1);
    expect(record?.summary.usage).toBeUndefined();
    expectPayload(payload(record), { input: 0, output: 0, calls: 1, streamed: true });
    expect(diagnostics.filter((d) => d.type === 'llamaindex.streamed-usage-missing')).toHaveLength(1);
  });

  it('client retries left on (maxRetries 10 by default): a 429 the SDK retried is a model call and a throttle, the backoff outside model latency', async () => {
    const { exporter, metrics } = setup();
    const previous = process.env.ANTHROPIC_BASE_URL;
    // @llamaindex/anthropic passes no baseURL to its SDK client: the SDK reads it from the environment
    process.env.ANTHROPIC_BASE_URL = server.anthropicBaseUrl;
    let llm: Anthropic;
    try {
      llm = new Anthropic({ model: 'claude-3-5-sonnet', apiKey: 'test' });
    } finally {
      if (previous === undefined) delete process.env.ANTHROPIC_BASE_URL;
      else process.env.ANTHROPIC_BASE_URL = previous;
    }
    server.script('claude-retry', [
      { error: { status: 429, message: 'slow down', retryAfter: 0.3 } },
      { text: 'Retried.', usage: { input: 18, output: 2 } },
    ]);
    await metrics.run(() => llm.chat({ messages: [{ role: 'user', content: 'script:claude-retry hi' }] }));
    const [record] = await exporter.waitFor(1);
    const metric = payload(record);
    expectPayload(metric, {
      input: 18,
      output: 2,
      calls: 2,
      streamed: false,
      errors: { modelInvocationThrottles: 1 },
    });
    expect(server.requests.filter((r) => r.scriptKey === 'claude-retry')).toHaveLength(2);
    expect(record?.modelCalls.map((c) => [c.outcome, c.status])).toEqual([
      ['error', 429],
      ['success', undefined],
    ]);
    expect(metric.modelLatency as number).toBeLessThan((metric.totalTime as number) - 250);
  });
});
