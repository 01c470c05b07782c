import Anthropic from '@anthropic-ai/sdk';
import { describe, expect, it } from 'vitest';
import { meter, runTool } from './anthropic.js';
import { full, setup, sum, throwingMetrics, usageOf } from './test-support.js';

const { server, metrics, exporter } = setup();
const client = () =>
  meter(new Anthropic({ baseURL: server().anthropicBaseUrl, apiKey: 'test-key' }), metrics);
const ask = [{ role: 'user' as const, content: 'weather in Paris?' }];
const base = { model: 'claude-test-model', max_tokens: 100, messages: ask };
const tools = [{ name: 'get_weather', input_schema: { type: 'object' as const, properties: {} } }];
// cache reads and writes are part of `input` in the script; Anthropic reports them beside input_tokens
const cachedUsage = { input: 1000, output: 80, cached: 600, cacheWrite: 300, reasoning: 0 };
const u2 = { input: 50, output: 7 };

describe('meter(new Anthropic()): messages', () => {
  it('records a plain call with cache reads and writes', async () => {
    server().script([{ text: 'Sunny.', usage: cachedUsage, model: 'claude-test-model-20250929' }]);
    const message = await metrics.withInvocation({}, () => client().messages.create(base));
    expect(message.content).toEqual([{ type: 'text', text: 'Sunny.' }]);
    const [record] = exporter.records;
    expect(record?.modelCalls[0]).toMatchObject({
      model: 'claude-test-model-20250929',
      provider: 'anthropic',
    });
    expect(usageOf(record)).toEqual(full(cachedUsage));
  });

  it('records a tool loop with an MCP tool typed by runTool', async () => {
    server().script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], usage: cachedUsage },
      { text: 'Sunny.', usage: u2 },
    ]);
    const anthropic = client();
    await metrics.withInvocation({}, async () => {
      const first = await anthropic.messages.create({ ...base, tools });
      const use = first.content.find((b) => b.type === 'tool_use')!;
      const result = await runTool('get_weather', async () => 'sunny', { type: 'mcp' });
      await anthropic.messages.create({
        ...base,
        tools,
        messages: [
          ...ask,
          { role: 'assistant', content: first.content },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: result }] },
        ],
      });
    });
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(2);
    expect(record?.summary.tools.mcp).toEqual({ calls: 1, success: 1, failure: 0 });
    expect(record?.summary.tools.api).toEqual({ calls: 0, success: 0, failure: 0 });
    expect(record?.toolCalls[0]?.callId).toMatch(/^toolu_/);
    expect(usageOf(record)).toEqual(sum(cachedUsage, u2));
  });

  it('streams with messages.stream(): one call, usage from message_start and message_delta, ttft', async () => {
    server().script([{ text: 'It is sunny', usage: cachedUsage, firstChunkDelayMs: 60 }]);
    const texts: string[] = [];
    const final = await metrics.withInvocation({}, async () => {
      const stream = client().messages.stream(base);
      stream.on('text', (text) => texts.push(text));
      return stream.finalMessage();
    });
    expect(texts.join('')).toBe('It is sunny');
    expect(final.usage.output_tokens).toBe(80);
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(1);
    expect(usageOf(record)).toEqual(full(cachedUsage));
    const call = record!.modelCalls[0]!;
    expect(call.streamed).toBe(true);
    expect(call.firstTokenAt! - call.startedAt).toBeGreaterThanOrEqual(55);
  });

  it('streams with stream: true: the caller iterates every event, as from the unwrapped client', async () => {
    server().script([
      { text: 'a b c', usage: u2 },
      { text: 'a b c', usage: u2 },
    ]);
    const plain = new Anthropic({ baseURL: server().anthropicBaseUrl, apiKey: 'k' });
    const expected: string[] = [];
    for await (const event of await plain.messages.create({ ...base, stream: true }))
      expected.push(event.type);
    const types: string[] = [];
    await metrics.withInvocation({}, async () => {
      for await (const event of await client().messages.create({ ...base, stream: true }))
        types.push(event.type);
    });
    expect(types).toEqual(expected);
    expect(types.filter((t) => t === 'content_block_delta')).toHaveLength(3);
    expect(types.at(-1)).toBe('message_stop');
    expect(usageOf(exporter.records[0])).toEqual(full(u2));
  });

  it('counts a 429 the client retried as a throttle, and a 5xx it gave up on as 3 server errors', async () => {
    const e429 = { error: { status: 429, retryAfter: '0.01' } };
    const e503 = { error: { status: 503, retryAfter: '0.01' } };
    server().script([e429, { text: 'ok', usage: u2 }, e503, e503, e503]);
    const anthropic = client();
    const error = await metrics
      .withInvocation({}, async () => {
        await anthropic.messages.create(base);
        await anthropic.messages.create(base);
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(5);
    expect(record?.summary.errors).toMatchObject({
      modelInvocationThrottles: 1,
      modelInvocationServerErrors: 3,
    });
    expect(usageOf(record)).toEqual(full(u2));
  });

  it('records 20 concurrent invocations exactly, and a call outside any as its own record', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i);
    for (const i of keys)
      server().script(`a${i}`, [{ text: `n${i}`, usage: { input: 10 + i, output: 1 + i } }]);
    server().script([{ text: 'alone', usage: u2 }]);
    const anthropic = client();
    await Promise.all([
      ...keys.map((i) =>
        metrics.withInvocation({ name: `a${i}` }, () =>
          anthropic.messages.create({ ...base, messages: [{ role: 'user', content: `script:a${i}` }] }),
        ),
      ),
    ]);
    await anthropic.messages.create(base);
    expect(exporter.records).toHaveLength(21);
    for (const record of exporter.records.slice(0, 20)) {
      const i = Number(record.name?.slice(1));
      expect(usageOf(record)).toEqual(full({ input: 10 + i, output: 1 + i }));
    }
    expect(exporter.records[20]).toMatchObject({ model: 'claude-test-model', summary: { modelCalls: 1 } });
  });

  it('an exporter that throws never reaches the caller', async () => {
    server().script([{ text: 'fine', usage: u2 }]);
    const throwing = throwingMetrics();
    const anthropic = meter(new Anthropic({ baseURL: server().anthropicBaseUrl, apiKey: 'k' }), throwing);
    await expect(anthropic.messages.create(base)).resolves.toMatchObject({ content: [{ text: 'fine' }] });
  });
});
