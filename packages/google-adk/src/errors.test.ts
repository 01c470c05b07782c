import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryExporter, explode, newAgent, newPlugin, onlyRecord, runAgent } from './test-helpers.js';

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

describe.each([false, true])('model errors, sse=%s', (sse) => {
  it('a 429 genai retries (retryOptions set): 2 model calls, 1 throttle, only the answer has usage', async () => {
    server.script([
      { error: { status: 429, retryAfter: 0 } },
      { text: 'ok', usage: { input: 50, output: 5 } },
    ]);
    await runAgent(newAgent(server, {}, 3), [plugin], 'hi', { sse });
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(2);
    expect(record.outcome).toBe('success');
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.errors.modelInvocationThrottles).toBe(1);
    expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
      [1, 'error', 429],
      [2, 'success', undefined],
    ]);
    expect(record.summary.usage).toMatchObject({ inputTokens: 50, outputTokens: 5 });
  });

  it('a 429 without retries (the ADK default): 1 failed throttled call; the run yields an error event and fails', async () => {
    server.script([{ error: { status: 429 } }]);
    const { events } = await runAgent(newAgent(server), [plugin], 'hi', { sse });
    expect(events.at(-1)?.errorCode).toBe('429');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('error');
    expect(record.summary.modelCalls).toBe(1);
    expect(record.summary.errors.modelInvocationThrottles).toBe(1);
    expect(record.modelCalls[0]).toMatchObject({ outcome: 'error', status: 429 });
    expect(record.errors).toHaveLength(0);
    expect(record.summary.usage).toBeUndefined();
  });

  it('a 500 on every attempt of 3: 3 model calls, 3 server errors, counted once each', async () => {
    const fail = { error: { status: 500 } };
    server.script([fail, fail, fail]);
    await runAgent(newAgent(server, {}, 3), [plugin], 'hi', { sse });
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(3);
    expect(record.outcome).toBe('error');
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.errors.modelInvocationServerErrors).toBe(3);
    expect(record.errors).toHaveLength(0);
  });
});

describe('tool errors', () => {
  it('a tool that throws is a failed tool call; the model gets the error and answers', async () => {
    server.script([
      { toolCalls: [{ name: 'explode', arguments: {} }], usage: { input: 10, output: 1 } },
      { text: 'sorry', usage: { input: 20, output: 2 } },
    ]);
    await runAgent(newAgent(server, { tools: [explode] }), [plugin], 'go');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('success');
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.tools.api).toMatchObject({ calls: 1, success: 0, failure: 1 });
    expect(record.toolCalls[0]).toMatchObject({ name: 'explode', outcome: 'failure' });
    expect(record.toolCalls[0]?.error?.message).toContain('boom');
  });
});

describe('cached and thought tokens', () => {
  it.each([false, true])(
    'cached content is inside the prompt, thoughts are output and reasoning (sse=%s)',
    async (sse) => {
      server.script([
        { text: 'thought it over', usage: { input: 1000, output: 300, cached: 800, reasoning: 120 } },
      ]);
      await runAgent(newAgent(server), [plugin], 'hi', { sse });
      expect(onlyRecord(memory).summary.usage).toMatchObject({
        inputTokens: 1000,
        outputTokens: 300,
        totalTokens: 1300,
        cacheReadTokens: 800,
        reasoningTokens: 120,
      });
    },
  );
});
