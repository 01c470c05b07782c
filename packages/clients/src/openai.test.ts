import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { meter, runTool, unmeter } from './openai.js';
import { full, setup, sum, throwingMetrics, usageOf } from './test-support.js';

const { server, metrics, exporter } = setup();
const client = () => meter(new OpenAI({ baseURL: server().openaiBaseUrl, apiKey: 'test-key' }), metrics);
const ask = [{ role: 'user' as const, content: 'weather in Paris?' }];
const tools = [
  {
    type: 'function' as const,
    function: { name: 'get_weather', parameters: { type: 'object', properties: {} } },
  },
];
const u1 = { input: 120, output: 30, cached: 40, reasoning: 10 };
const u2 = { input: 200, output: 12 };

describe('meter(new OpenAI()): chat completions', () => {
  it('records a plain call with the usage the server reported, and leaves the client given untouched', async () => {
    server().script([{ text: 'Sunny.', usage: u1, model: 'gpt-4o-2024-08-06' }]);
    const original = new OpenAI({ baseURL: server().openaiBaseUrl, apiKey: 'k' });
    const metered = meter(original, metrics);
    const answer = await metrics.withInvocation({}, () =>
      metered.chat.completions.create({ model: 'gpt-4o', messages: ask }),
    );
    expect(answer.choices[0]?.message.content).toBe('Sunny.');
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(1);
    expect(record?.modelCalls[0]).toMatchObject({
      model: 'gpt-4o-2024-08-06',
      provider: 'openai',
      streamed: false,
    });
    expect(usageOf(record)).toEqual(full(u1));
    expect(unmeter(metered)).toBe(original);
    expect(original.chat.completions.create).toBe(OpenAI.Chat.Completions.prototype.create);
  });

  it('records a hand-written tool loop: two model calls, the tool run, a requested tool never run', async () => {
    server().script([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' } },
          { name: 'get_time', arguments: {} },
        ],
        usage: u1,
      },
      { text: 'Sunny in Paris.', usage: u2 },
    ]);
    const openai = client();
    await metrics.withInvocation({}, async () => {
      const first = await openai.chat.completions.create({ model: 'gpt-4o', messages: ask, tools });
      const calls = first.choices[0]?.message.tool_calls ?? [];
      const weather = calls.find((c) => c.type === 'function' && c.function.name === 'get_weather')!;
      const result = await runTool('get_weather', async () => 'sunny', { callId: weather.id });
      await openai.chat.completions.create({
        model: 'gpt-4o',
        messages: [
          ...ask,
          first.choices[0]!.message,
          { role: 'tool', tool_call_id: weather.id, content: result },
        ],
        tools,
      });
    });
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(2);
    expect(usageOf(record)).toEqual(sum(u1, u2));
    expect(record?.summary.tools.api).toEqual({ calls: 2, success: 1, failure: 1 });
    expect(record?.toolCalls.map((t) => [t.name, t.outcome, t.error?.name])).toEqual([
      ['get_weather', 'success', undefined],
      ['get_time', 'failure', 'ToolNotRunError'],
    ]);
  });

  it('streams: usage from the last chunk it asked for, ttft from the first token, the stream the caller reads unchanged', async () => {
    const step = { text: 'It is sunny today', usage: u1, firstChunkDelayMs: 60, chunkDelayMs: 5 };
    server().script([step, step]);
    const plain = new OpenAI({ baseURL: server().openaiBaseUrl, apiKey: 'k' });
    const expected = [];
    for await (const chunk of await plain.chat.completions.create({
      model: 'm',
      messages: ask,
      stream: true,
    }))
      expected.push(chunk.choices[0]?.delta.content);
    const seen: unknown[] = [];
    await metrics.withInvocation({}, async () => {
      const stream = await client().chat.completions.create({ model: 'm', messages: ask, stream: true });
      for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content);
    });
    expect(seen).toEqual(expected);
    expect(server().requests[1]?.body).toMatchObject({ stream_options: { include_usage: true } });
    const [record] = exporter.records;
    expect(usageOf(record)).toEqual(full(u1));
    const call = record!.modelCalls[0]!;
    expect(call.streamed).toBe(true);
    expect(call.firstTokenAt! - call.startedAt).toBeGreaterThanOrEqual(55);
    expect(call.endedAt).toBeGreaterThanOrEqual(call.firstTokenAt!);
  });

  it('keeps the usage chunk for a caller who asked for it, and tee() branches see every chunk', async () => {
    server().script([{ text: 'a b', usage: u2 }]);
    await metrics.withInvocation({}, async () => {
      const stream = await client().chat.completions.create({
        model: 'm',
        messages: ask,
        stream: true,
        stream_options: { include_usage: true },
      });
      const [left, right] = stream.tee();
      const counts = [0, 0];
      for await (const _ of left) counts[0]!++;
      for await (const chunk of right) if (chunk.usage) counts[1]!++;
      expect(counts).toEqual([5, 1]);
    });
    expect(usageOf(exporter.records[0])).toEqual(full(u2));
  });

  it('counts a 429 the client retried as a throttle: 2 model calls', async () => {
    server().script([{ error: { status: 429, retryAfter: '0.01' } }, { text: 'ok', usage: u2 }]);
    await metrics.withInvocation({}, () => client().chat.completions.create({ model: 'm', messages: ask }));
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(2);
    expect(record?.summary.errors.modelInvocationThrottles).toBe(1);
    expect(record?.modelCalls.map((c) => [c.attempt, c.status, c.outcome])).toEqual([
      [1, 429, 'error'],
      [2, undefined, 'success'],
    ]);
    expect(usageOf(record)).toEqual(full(u2));
    expect(record?.outcome).toBe('success');
  });

  it('records a 5xx the client gave up on: 3 attempts, 3 server errors, the caller gets the error unchanged', async () => {
    const failure = { error: { status: 500, retryAfter: '0.01' } };
    server().script([failure, failure, failure]);
    const error = await metrics
      .withInvocation({}, () => client().chat.completions.create({ model: 'm', messages: ask }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(3);
    expect(record?.summary.errors.modelInvocationServerErrors).toBe(3);
    expect(record?.outcome).toBe('error');
  });

  it('records 20 concurrent invocations, each with exactly its own calls', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i);
    for (const i of keys) server().script(`c${i}`, [{ text: `n${i}`, usage: { input: 100 + i, output: i } }]);
    const openai = client();
    await Promise.all(
      keys.map((i) =>
        metrics.withInvocation({ name: `c${i}` }, () =>
          openai.chat.completions.create({
            model: 'm',
            messages: [{ role: 'user', content: `script:c${i}` }],
          }),
        ),
      ),
    );
    expect(exporter.records).toHaveLength(20);
    for (const record of exporter.records) {
      const i = Number(record.name?.slice(1));
      expect(record.summary.modelCalls).toBe(1);
      expect(usageOf(record)).toEqual(full({ input: 100 + i, output: i }));
    }
  });

  it('records a call outside any invocation as a one-call record of its own', async () => {
    server().script([{ text: 'x', usage: u2 }]);
    await client().chat.completions.create({ model: 'gpt-4o', messages: ask });
    expect(exporter.records).toHaveLength(1);
    expect(exporter.records[0]).toMatchObject({ model: 'gpt-4o', outcome: 'success' });
    expect(usageOf(exporter.records[0])).toEqual(full(u2));
  });

  it('an exporter that throws never reaches the caller', async () => {
    server().script([{ text: 'fine', usage: u2 }]);
    const throwing = throwingMetrics();
    const openai = meter(new OpenAI({ baseURL: server().openaiBaseUrl, apiKey: 'k' }), throwing);
    const answer = await openai.chat.completions.create({ model: 'm', messages: ask });
    expect(answer.choices[0]?.message.content).toBe('fine');
  });

  it('a raw Response asked for with asResponse() keeps its body', async () => {
    server().script([{ text: 'raw', usage: u2 }]);
    const response = await client().chat.completions.create({ model: 'm', messages: ask }).asResponse();
    expect(
      ((await response.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]?.message
        .content,
    ).toBe('raw');
  });
});

describe('meter(new OpenAI()): responses', () => {
  it('records a streamed response from response.completed, and a plain one', async () => {
    server().script([
      { text: 'one two', usage: u1 },
      { text: 'three', usage: u2 },
    ]);
    const openai = client();
    await metrics.withInvocation({}, async () => {
      const stream = await openai.responses.create({ model: 'gpt-4.1', input: 'hi', stream: true });
      let events = 0;
      for await (const _ of stream) events++;
      expect(events).toBeGreaterThan(3);
      const plain = await openai.responses.create({ model: 'gpt-4.1', input: 'hi' });
      expect(plain.output_text).toBe('three');
    });
    const [record] = exporter.records;
    expect(record?.modelCalls.map((c) => c.streamed)).toEqual([true, false]);
    expect(record?.modelCalls[0]?.firstTokenAt).toEqual(expect.any(Number));
    expect(usageOf(record)).toEqual(sum(u1, u2));
  });
});
