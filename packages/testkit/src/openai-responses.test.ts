import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './index.js';

let server: ModelServer;
let client: OpenAI;

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const usage = { input: 300, output: 60, cached: 200, reasoning: 25 };
const expectedUsage = {
  input_tokens: 300,
  input_tokens_details: { cached_tokens: 200 },
  output_tokens: 60,
  output_tokens_details: { reasoning_tokens: 25 },
  total_tokens: 360,
};

describe('openai client: responses API', () => {
  it('answers text with exact usage', async () => {
    server.script([{ text: 'The answer is 42.', usage, model: 'gpt-4.1-2025-04-14' }]);
    const response = await client.responses.create({ model: 'gpt-4.1', input: 'question' });
    expect(response.output_text).toBe('The answer is 42.');
    expect(response.status).toBe('completed');
    expect(response.model).toBe('gpt-4.1-2025-04-14');
    expect(response.usage).toEqual(expectedUsage);
    expect(server.requests[0]).toMatchObject({
      path: '/v1/responses',
      api: 'openai-responses',
      stream: false,
    });
  });

  it('answers function calls', async () => {
    server.script([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Oslo' }, id: 'call_w' },
          { name: 'get_time', arguments: {} },
        ],
        usage: { input: 40, output: 12 },
      },
    ]);
    const response = await client.responses.create({ model: 'gpt-4.1', input: 'weather?' });
    const calls = response.output.filter((item) => item.type === 'function_call');
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({ call_id: 'call_w', name: 'get_weather', arguments: '{"city":"Oslo"}' });
    expect(calls[1]).toMatchObject({ name: 'get_time', arguments: '{}' });
    expect(response.usage?.total_tokens).toBe(52);
  });

  it('streams the event sequence with deltas and usage in response.completed', async () => {
    server.script([
      {
        text: 'Let me check that.',
        toolCalls: [{ name: 'lookup', arguments: { q: 'something long enough to split' } }],
        usage,
      },
    ]);
    const stream = await client.responses.create({ model: 'gpt-4.1', input: 'x', stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('response.created');
    expect(types[1]).toBe('response.in_progress');
    expect(types.at(-1)).toBe('response.completed');
    expect(types).toContain('response.output_text.delta');
    expect(types).toContain('response.function_call_arguments.delta');
    expect(types).toContain('response.function_call_arguments.done');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const text = events
      .filter((e) => e.type === 'response.output_text.delta')
      .map((e) => (e as { delta: string }).delta)
      .join('');
    expect(text).toBe('Let me check that.');
    const args = events
      .filter((e) => e.type === 'response.function_call_arguments.delta')
      .map((e) => (e as { delta: string }).delta)
      .join('');
    expect(JSON.parse(args)).toEqual({ q: 'something long enough to split' });
    const completed = events.at(-1) as { response: { usage: unknown; output: unknown[] } };
    expect(completed.response.usage).toEqual(expectedUsage);
    expect(completed.response.output).toHaveLength(2);
  });

  it('works with the stream helper', async () => {
    server.script([{ text: 'streamed text', usage: { input: 5, output: 2 } }]);
    const final = await client.responses.stream({ model: 'gpt-4.1', input: 'x' }).finalResponse();
    expect(final.output_text).toBe('streamed text');
    expect(final.usage?.input_tokens).toBe(5);
  });

  it.each([
    [429, OpenAI.RateLimitError],
    [400, OpenAI.BadRequestError],
    [401, OpenAI.AuthenticationError],
    [500, OpenAI.InternalServerError],
    [503, OpenAI.InternalServerError],
  ])('answers a scripted %i', async (status, ErrorClass) => {
    server.script([{ error: { status } }]);
    const error = await client.responses.create({ model: 'gpt-4.1', input: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as { status: number }).status).toBe(status);
  });
});
