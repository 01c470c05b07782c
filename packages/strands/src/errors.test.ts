import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryExporter, PROVIDERS, modelFor, newAgent, newPlugin, onlyRecord } from './test-helpers.js';

let server: ModelServer;
const memory = new InMemoryExporter();
const plugin = newPlugin(memory);

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.records.length = 0;
});

describe.each(PROVIDERS)('%s, provider client at its defaults', (provider) => {
  it('a 429 the client retries: 2 model calls, 1 throttle, only the answer has usage; the run succeeds', async () => {
    server.script([
      { error: { status: 429, retryAfter: 0 } },
      { text: 'ok', usage: { input: 50, output: 5 } },
    ]);
    const agent = newAgent({ model: modelFor(server, provider), plugins: [plugin] });
    await agent.invoke('hi');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(2);
    expect(record.outcome).toBe('success');
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.errors.modelInvocationThrottles).toBe(1);
    expect(record.modelCalls.map((c) => c.outcome)).toEqual(['error', 'success']);
    expect(record.summary.usage).toMatchObject({ inputTokens: 50, outputTokens: 5 });
  });

  it('a 500 on every client attempt fails the run: 3 model calls, 3 server errors, counted once each', async () => {
    const fail = { error: { status: 500, retryAfter: 0 } };
    server.script([fail, fail, fail]);
    const agent = newAgent({ model: modelFor(server, provider), plugins: [plugin] });
    await expect(agent.invoke('hi')).rejects.toThrow();
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(3);
    expect(record.outcome).toBe('error');
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.errors.modelInvocationServerErrors).toBe(3);
    expect(record.errors).toHaveLength(0);
  });
});

describe('cache and reasoning tokens', () => {
  it('OpenAI: cached tokens are inside the input; reasoning tokens are not passed on by Strands', async () => {
    server.script([{ text: 'ok', usage: { input: 1000, output: 300, cached: 800, reasoning: 120 } }]);
    const agent = newAgent({ model: modelFor(server, 'openai-chat'), plugins: [plugin] });
    await agent.invoke('hi');
    const usage = onlyRecord(memory).summary.usage;
    expect(usage).toMatchObject({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
      cacheReadTokens: 800,
    });
    expect(usage?.reasoningTokens).toBeUndefined();
  });

  it('Anthropic: cache reads and writes beside the input are added to it, and to the total', async () => {
    server.script([{ text: 'ok', usage: { input: 1000, output: 300, cached: 800, cacheWrite: 50 } }]);
    const agent = newAgent({ model: modelFor(server, 'anthropic'), plugins: [plugin] });
    await agent.invoke('hi');
    expect(onlyRecord(memory).summary.usage).toMatchObject({
      inputTokens: 1000,
      outputTokens: 300,
      totalTokens: 1300,
      cacheReadTokens: 800,
      cacheWriteTokens: 50,
    });
  });
});
