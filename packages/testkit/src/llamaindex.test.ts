import { tool } from '@llamaindex/core/tools';
import { OpenAI } from '@llamaindex/openai';
import { fromLlamaIndexRaw } from '@metrics/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ModelServer, startModelServer } from './index.js';
import { expectNormalizedUsage } from './test-helpers.js';

let server: ModelServer;
let llm: OpenAI;

beforeAll(async () => {
  server = await startModelServer();
  llm = new OpenAI({ model: 'gpt-4o', apiKey: 'test-key', baseURL: server.openaiBaseUrl, maxRetries: 0 });
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const usage = { input: 90, output: 14, cached: 64, reasoning: 3 };

describe('@llamaindex/openai', () => {
  it('chat: text and exact usage in raw', async () => {
    server.script([{ text: 'Hello from LlamaIndex.', usage }]);
    const response = await llm.chat({ messages: [{ role: 'user', content: 'hi' }] });
    expect(response.message.content).toBe('Hello from LlamaIndex.');
    expectNormalizedUsage(fromLlamaIndexRaw(response.raw), usage);
  });

  it('chat: tool calls', async () => {
    const weather = tool({
      name: 'get_weather',
      description: 'Weather for a city',
      parameters: z.object({ city: z.string() }),
      execute: ({ city }) => `sunny in ${city}`,
    });
    server.script([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_p' },
          { name: 'get_weather', arguments: { city: 'Bern' }, id: 'call_b' },
        ],
        usage: { input: 30, output: 10 },
      },
    ]);
    const response = await llm.chat({ messages: [{ role: 'user', content: 'weather?' }], tools: [weather] });
    const calls = (
      response.message.options as { toolCall?: Array<{ id: string; name: string; input: unknown }> }
    ).toolCall;
    expect(
      calls?.map((c) => [c.id, c.name, typeof c.input === 'string' ? JSON.parse(c.input) : c.input]),
    ).toEqual([
      ['call_p', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_weather', { city: 'Bern' }],
    ]);
  });

  it('chat stream: deltas; no usage, since @llamaindex/openai does not ask for include_usage', async () => {
    server.script([{ text: 'one two three four', usage }]);
    const stream = await llm.chat({ messages: [{ role: 'user', content: 'count' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.delta).join('')).toBe('one two three four');
    const request = server.requests[0]?.body as { stream_options?: { include_usage?: boolean } };
    expect(request.stream_options).toBeUndefined();
    expect(fromLlamaIndexRaw(chunks)).toBeUndefined();
  });

  it('chat stream: exact usage once additionalChatOptions asks for include_usage', async () => {
    const withUsage = new OpenAI({
      model: 'gpt-4o',
      apiKey: 'test-key',
      baseURL: server.openaiBaseUrl,
      maxRetries: 0,
      additionalChatOptions: { stream_options: { include_usage: true } } as never,
    });
    server.script([{ text: 'one two', usage }]);
    const stream = await withUsage.chat({ messages: [{ role: 'user', content: 'count' }], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.delta).join('')).toBe('one two');
    expectNormalizedUsage(fromLlamaIndexRaw(chunks), usage);
  });

  it.each([429, 400, 401, 500, 503])('throws the scripted %i', async (status) => {
    server.script([{ error: { status, message: `scripted ${status}` } }]);
    const error = await llm.chat({ messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(status);
    expect((error as Error).message).toContain(`scripted ${status}`);
  });
});
