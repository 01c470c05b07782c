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
});
