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

const usage = { input: 120, output: 30, cached: 100, reasoning: 7 };
const expectedUsage = {
  prompt_tokens: 120,
  completion_tokens: 30,
  total_tokens: 150,
  prompt_tokens_details: { cached_tokens: 100, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 7,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

describe('openai client: chat completions', () => {
  it('answers text with the exact usage and the scripted model', async () => {
    server.script([{ text: 'Hello there, friend.', usage, model: 'gpt-4o-2024-08-06' }]);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(completion.choices[0]?.message.content).toBe('Hello there, friend.');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.model).toBe('gpt-4o-2024-08-06');
    expect(completion.usage).toEqual(expectedUsage);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      api: 'openai-chat',
      stream: false,
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
    });
    expect(server.requests[0]?.headers.authorization).toBe('Bearer test-key');
    expect(server.requests[0]?.status).toBe(200);
  });

  it('echoes the requested model when the step names none', async () => {
    server.script([{ text: 'ok' }]);
    const completion = await client.chat.completions.create({
      model: 'my-model',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.model).toBe('my-model');
    expect(completion.usage?.prompt_tokens).toBe(10);
    expect(completion.usage?.completion_tokens).toBe(5);
  });

  it('answers parallel tool calls', async () => {
    server.script([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_1' },
          { name: 'get_time', arguments: '{"tz":"Europe/Paris"}' },
        ],
        usage: { input: 50, output: 20 },
      },
    ]);
    const completion = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'weather and time?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
        },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object', properties: {} } } },
      ],
    });
    const choice = completion.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const calls = choice.message.tool_calls as Array<{
      id: string;
      function: { name: string; arguments: string };
    }>;
    expect(calls).toHaveLength(2);
    expect(calls[0]).toMatchObject({
      id: 'call_1',
      function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
    });
    expect(calls[1]?.id).toMatch(/^call_/);
    expect(calls[1]?.function).toEqual({ name: 'get_time', arguments: '{"tz":"Europe/Paris"}' });
    expect(completion.usage?.total_tokens).toBe(70);
  });

  it('streams role, content deltas and a final usage chunk only with include_usage', async () => {
    server.script([{ text: 'one two three four', usage }, { text: 'no usage here' }]);
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two three four');
    expect(chunks.filter((c) => (c.choices[0]?.delta.content ?? '') !== '')).toHaveLength(4);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(expectedUsage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);

    const plain = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'again' }],
      stream: true,
    });
    const plainChunks = [];
    for await (const chunk of plain) plainChunks.push(chunk);
    expect(plainChunks.every((c) => c.usage === undefined)).toBe(true);
    expect(plainChunks.at(-1)?.choices[0]?.finish_reason).toBe('stop');
  });

  it('streams tool-call deltas with their index, assembled by the client helper', async () => {
    server.script([
      {
        toolCalls: [
          { name: 'search', arguments: { query: 'a fairly long query string to split' } },
          { name: 'lookup', arguments: { id: 42 } },
        ],
        usage: { input: 9, output: 4 },
      },
    ]);
    const runner = client.chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'go' }],
      stream_options: { include_usage: true },
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls as Array<{
      function: { name: string; arguments: string };
    }>;
    expect(calls.map((c) => c.function.name)).toEqual(['search', 'lookup']);
    expect(JSON.parse(calls[0]!.function.arguments)).toEqual({
      query: 'a fairly long query string to split',
    });
    expect(JSON.parse(calls[1]!.function.arguments)).toEqual({ id: 42 });
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.usage?.prompt_tokens).toBe(9);
  });

  it('keeps per-conversation queues apart across 20 parallel runs', async () => {
    for (let i = 0; i < 20; i++)
      server.script(`run-${i}`, [{ text: `answer ${i}`, usage: { input: i + 1, output: i } }]);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        client.chat.completions.create({
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: `script:run-${i}` },
            { role: 'user', content: 'who am I?' },
          ],
        }),
      ),
    );
    answers.forEach((answer, i) => {
      expect(answer.choices[0]?.message.content).toBe(`answer ${i}`);
      expect(answer.usage?.prompt_tokens).toBe(i + 1);
    });
    expect(new Set(server.requests.map((r) => r.scriptKey)).size).toBe(20);
  });

  it.each([
    [429, OpenAI.RateLimitError],
    [400, OpenAI.BadRequestError],
    [401, OpenAI.AuthenticationError],
    [500, OpenAI.InternalServerError],
    [503, OpenAI.InternalServerError],
  ])('answers a scripted %i in the OpenAI error shape', async (status, ErrorClass) => {
    server.script([
      { error: { status, message: `scripted ${status}`, ...(status === 429 ? { retryAfter: 7 } : {}) } },
    ]);
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(status);
    expect(apiError.message).toContain(`scripted ${status}`);
    expect(apiError.error).toMatchObject({ message: `scripted ${status}`, type: expect.any(String) });
    if (status === 429) expect(apiError.headers?.get('retry-after')).toBe('7');
    expect(server.requests[0]?.status).toBe(status);
  });

  it('retries a 429 with Retry-After and then succeeds (the client counts two requests)', async () => {
    const retrying = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k', maxRetries: 2 });
    server.script([
      { error: { status: 429, retryAfter: 0 } },
      { text: 'finally', usage: { input: 3, output: 1 } },
    ]);
    const completion = await retrying.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0]?.message.content).toBe('finally');
    expect(server.requests).toHaveLength(2);
  });

  it('drops the connection', async () => {
    server.script([{ drop: true }]);
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(server.requests[0]?.status).toBe(0);
  });

  it('cuts a stream after n chunks', async () => {
    server.script([{ text: 'one two three four five', dropAfterChunks: 2 }]);
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(seen.join('')).toBe('one two ');
  });

  it('hangs until the client times out', async () => {
    server.script([{ hang: true }]);
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }, { timeout: 150 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionTimeoutError);
  });

  it('answers a clear 500 when the script ran out, and records it', async () => {
    const error = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'script:nobody' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as Error).message).toContain('the script ran out');
    expect((error as Error).message).toContain('script:nobody');
    expect(server.exhausted).toHaveLength(1);
    expect(server.exhausted[0]?.scriptKey).toBe('nobody');
    // x-should-retry: false keeps a retrying client from asking again.
    const retrying = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k', maxRetries: 2 });
    await expect(
      retrying.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toThrow(/the default queue has no step left/);
    expect(server.exhausted).toHaveLength(2);
  });

  it('delays the first chunk and spaces later ones', async () => {
    server.script([{ text: 'a b c d', firstChunkDelayMs: 120, chunkDelayMs: 40 }]);
    const start = performance.now();
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    let first: number | undefined;
    for await (const chunk of stream) {
      if (first === undefined && chunk.choices[0]?.delta.content) first = performance.now() - start;
    }
    const total = performance.now() - start;
    expect(first).toBeGreaterThanOrEqual(110);
    expect(first).toBeLessThan(600);
    expect(total).toBeGreaterThanOrEqual(110 + 3 * 40 - 10);
  });

  it('lists models', async () => {
    const models = await client.models.list();
    expect(models.data.length).toBeGreaterThan(0);
    expect(models.data[0]).toMatchObject({ object: 'model' });
  });

  it('rejects a malformed script step when it is scripted', () => {
    expect(() => server.script([{ text: 'x', usage: { input: 1, output: 1, cached: 5 } }])).toThrow(
      /input must include/,
    );
    expect(() => server.script([{ error: { status: 200 } }])).toThrow(/HTTP error status/);
  });
});
