import Anthropic from '@anthropic-ai/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './index.js';

let server: ModelServer;
let client: Anthropic;

beforeAll(async () => {
  server = await startModelServer();
  client = new Anthropic({ baseURL: server.anthropicBaseUrl, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const usage = { input: 1000, output: 80, cached: 600, cacheWrite: 300, reasoning: 20 };

describe('@anthropic-ai/sdk: messages API', () => {
  it('answers text and maps usage to input_tokens without cache reads and writes', async () => {
    server.script([{ text: 'Bonjour.', usage, model: 'claude-sonnet-4-5-20250929' }]);
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Bonjour.' }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.model).toBe('claude-sonnet-4-5-20250929');
    expect(message.usage).toMatchObject({
      input_tokens: 100,
      cache_read_input_tokens: 600,
      cache_creation_input_tokens: 300,
      output_tokens: 80,
    });
    expect(server.requests[0]).toMatchObject({ path: '/v1/messages', api: 'anthropic-messages' });
    const headers = server.requests[0]?.headers ?? {};
    expect(headers['x-api-key'] ?? headers.authorization).toMatch(/test-key/);
    expect(headers['anthropic-version']).toEqual(expect.any(String));
  });

  it('answers parallel tool_use blocks', async () => {
    server.script([
      {
        text: 'Checking.',
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Rome' }, id: 'toolu_1' },
          { name: 'get_time', arguments: { tz: 'CET' } },
        ],
        usage: { input: 10, output: 4 },
      },
    ]);
    const message = await client.messages.create({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content[0]).toEqual({ type: 'text', text: 'Checking.' });
    expect(message.content[1]).toEqual({
      type: 'tool_use',
      id: 'toolu_1',
      name: 'get_weather',
      input: { city: 'Rome' },
    });
    expect(message.content[2]).toMatchObject({ type: 'tool_use', name: 'get_time', input: { tz: 'CET' } });
  });

  it('streams message_start (output_tokens 1), deltas, message_delta with cumulative output, message_stop', async () => {
    server.script([
      {
        text: 'one two three',
        toolCalls: [{ name: 'search', arguments: { query: 'long enough to be split in pieces' } }],
        usage,
      },
    ]);
    const stream = client.messages.stream({
      model: 'claude-sonnet-4-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'x' }],
    });
    const types: string[] = [];
    let start: { usage: Record<string, unknown> } | undefined;
    let delta: { usage: Record<string, unknown> } | undefined;
    for await (const event of stream) {
      types.push(event.type);
      // The SDK accumulates into the event objects: keep copies as they arrived.
      if (event.type === 'message_start') start = structuredClone(event.message) as never;
      if (event.type === 'message_delta') delta = structuredClone(event) as never;
    }
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    expect(types.at(-2)).toBe('message_delta');
    expect(start?.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 600, output_tokens: 1 });
    expect(delta?.usage).toEqual({ output_tokens: 80 });
    const final = await stream.finalMessage();
    expect(final.content[0]).toEqual({ type: 'text', text: 'one two three' });
    expect(final.content[1]).toMatchObject({
      type: 'tool_use',
      name: 'search',
      input: { query: 'long enough to be split in pieces' },
    });
    expect(final.usage.output_tokens).toBe(80);
    expect(final.usage.input_tokens).toBe(100);
  });

  it.each([
    [429, Anthropic.RateLimitError, 'rate_limit_error'],
    [400, Anthropic.BadRequestError, 'invalid_request_error'],
    [401, Anthropic.AuthenticationError, 'authentication_error'],
    [500, Anthropic.InternalServerError, 'api_error'],
    [503, Anthropic.InternalServerError, 'overloaded_error'],
  ])('answers a scripted %i in the Anthropic error shape', async (status, ErrorClass, type) => {
    server.script([{ error: { status, retryAfter: status === 429 ? '3' : undefined } }]);
    const error = await client.messages
      .create({ model: 'claude-sonnet-4-5', max_tokens: 10, messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as { status: number }).status).toBe(status);
    expect((error as { error: unknown }).error).toMatchObject({ type: 'error', error: { type } });
    if (status === 429) expect((error as { headers: Headers }).headers.get('retry-after')).toBe('3');
  });
});
