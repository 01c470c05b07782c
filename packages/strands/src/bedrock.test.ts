import { type ModelServer, startModelServer } from '@metrics/testkit';
import { BedrockModel } from '@strands-agents/sdk/models/bedrock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryExporter, getWeather, newAgent, newPlugin, onlyRecord } from './test-helpers.js';

let server: ModelServer;
const memory = new InMemoryExporter();
const plugin = newPlugin(memory);
const models: BedrockModel[] = [];

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  for (const model of models.splice(0))
    (model as unknown as { _client: { destroy(): void } })._client.destroy();
  expect(server.pending()).toEqual({});
  server.reset();
  memory.records.length = 0;
});

/** Strands' Bedrock provider on the testkit's Converse endpoint: the AWS SDK at its defaults (HTTP/2, 3 attempts). */
function bedrock(stream: boolean): BedrockModel {
  const model = new BedrockModel({
    modelId: 'anthropic.claude-test',
    region: 'us-east-1',
    stream,
    clientConfig: {
      endpoint: server.bedrockEndpoint,
      credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' },
    },
  });
  models.push(model);
  return model;
}

// the testkit reports Bedrock's `inputTokens` without the cache, reads and writes beside it
const u1 = { input: 1000, output: 30, cached: 800, cacheWrite: 50 };
const u2 = { input: 1200, output: 12, cached: 900 };

describe.each([
  ['ConverseStream', true],
  ['Converse', false],
] as const)('BedrockModel over %s', (_api, stream) => {
  it('a tool step then an answer: exact usage with cache reads and writes, the tool, streamed or not', async () => {
    server.script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }], usage: u1, firstChunkDelayMs: 40 },
      { text: 'Sunny in Oslo.', usage: u2 },
    ]);
    const agent = newAgent({ model: bedrock(stream), tools: [getWeather], plugins: [plugin] });
    await agent.invoke('weather?');
    const record = onlyRecord(memory);
    expect(server.requests.map((r) => [r.api, r.stream])).toEqual([
      ['bedrock-converse', stream],
      ['bedrock-converse', stream],
    ]);
    expect(record.outcome).toBe('success');
    expect(record.modelCalls.map((c) => [c.model, c.streamed, c.outcome])).toEqual([
      ['anthropic.claude-test', stream, 'success'],
      ['anthropic.claude-test', stream, 'success'],
    ]);
    // Strands' non-streamed Converse path drops the cache fields: the input comes from Bedrock's total
    const cache = stream ? { cacheReadTokens: 1700, cacheWriteTokens: 50 } : {};
    expect(record.summary.usage).toEqual({
      inputTokens: 2200,
      outputTokens: 42,
      totalTokens: 2242,
      ...cache,
    });
    expect(record.summary.tools.api).toEqual({ calls: 1, success: 1, failure: 0 });
    if (stream) expect(record.summary.ttftMs).toBeGreaterThanOrEqual(35);
    else expect(record.modelCalls.map((c) => c.firstTokenAt)).toEqual([undefined, undefined]);
  });

  it('a 429 the AWS SDK retries on its own: every attempt counted (1 throttle), the run succeeds', async () => {
    server.script([{ error: { status: 429 } }, { text: 'ok', usage: { input: 50, output: 5 } }]);
    const agent = newAgent({ model: bedrock(stream), plugins: [plugin] });
    await agent.invoke('hi');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(2);
    expect(record.outcome).toBe('success');
    expect(record.modelCalls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 429, 'error'],
      [2, undefined, 'success'],
    ]);
    expect(record.summary.errors).toMatchObject({
      modelInvocationThrottles: 1,
      modelInvocationServerErrors: 0,
      modelInvocationUnknownErrors: 0,
    });
    expect(record.summary.usage).toMatchObject({ inputTokens: 50, outputTokens: 5, totalTokens: 55 });
  }, 15_000);
});

describe('BedrockModel failures', () => {
  it('a 500 on every AWS SDK attempt fails the run: 3 model calls, 3 server errors, counted once each', async () => {
    const fail = { error: { status: 500 } };
    server.script([fail, fail, fail]);
    const agent = newAgent({ model: bedrock(true), plugins: [plugin] });
    await expect(agent.invoke('hi')).rejects.toThrow();
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(3);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({ category: 'server', status: 500 });
    expect(record.modelCalls.map((c) => [c.attempt, c.status])).toEqual([
      [1, 500],
      [2, 500],
      [3, 500],
    ]);
    expect(record.summary.errors).toMatchObject({
      modelInvocationServerErrors: 3,
      invocationServerErrors: 0,
    });
  }, 15_000);
});
