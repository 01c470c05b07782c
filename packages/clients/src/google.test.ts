import { GoogleGenAI, Type } from '@google/genai';
import { describe, expect, it } from 'vitest';
import { meter, runTool } from './google.js';
import { full, setup, sum, throwingMetrics, usageOf } from './test-support.js';

const { server, metrics, exporter } = setup();
// the client's defaults: no retries
const client = () =>
  meter(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server().geminiBaseUrl } }), metrics);
const tools = [
  { functionDeclarations: [{ name: 'get_weather', parameters: { type: Type.OBJECT, properties: {} } }] },
];
const u1 = { input: 500, output: 90, cached: 200, reasoning: 30 };
const u2 = { input: 40, output: 6 };

describe('meter(new GoogleGenAI()): models', () => {
  it('records a tool loop: thoughts and cached tokens, the tool run, the model from modelVersion', async () => {
    server().script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }], usage: u1 },
      { text: 'Sunny.', usage: u2 },
    ]);
    const ai = client();
    await metrics.withInvocation({}, async () => {
      const first = await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: 'weather?',
        config: { tools },
      });
      const call = first.functionCalls?.[0];
      const result = await runTool(call?.name ?? '', async () => ({ sky: 'sunny' }));
      const second = await ai.models.generateContent({
        model: 'gemini-2.5-flash',
        contents: [
          { role: 'user', parts: [{ text: 'weather?' }] },
          { role: 'model', parts: [{ functionCall: call! }] },
          { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: result } }] },
        ],
        config: { tools },
      });
      expect(second.text).toBe('Sunny.');
    });
    const [record] = exporter.records;
    expect(record?.summary.modelCalls).toBe(2);
    expect(record?.modelCalls[0]).toMatchObject({ model: 'gemini-2.5-flash', provider: 'google' });
    expect(record?.summary.tools.api).toEqual({ calls: 1, success: 1, failure: 0 });
    // Gemini reports no cache writes
    expect(usageOf(record)).toEqual(sum(u1, u2));
  });

  it('streams: usage of the last chunk (not summed), ttft, every chunk to the caller', async () => {
    server().script([{ text: 'one two three', usage: u1, firstChunkDelayMs: 60 }]);
    const texts: string[] = [];
    await metrics.withInvocation({}, async () => {
      const stream = await client().models.generateContentStream({ model: 'gemini-2.5-pro', contents: 'hi' });
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    });
    expect(texts).toEqual(['one ', 'two ', 'three']);
    const [record] = exporter.records;
    expect(usageOf(record)).toEqual(full(u1));
    const call = record!.modelCalls[0]!;
    expect(call.streamed).toBe(true);
    expect(call.firstTokenAt! - call.startedAt).toBeGreaterThanOrEqual(55);
  });

  it('a chat’s sendMessage is a model call too', async () => {
    server().script([{ text: 'hello', usage: u2 }]);
    await metrics.withInvocation({}, async () => {
      const chat = client().chats.create({ model: 'gemini-2.5-flash' });
      expect((await chat.sendMessage({ message: 'hi' })).text).toBe('hello');
    });
    expect(usageOf(exporter.records[0])).toEqual(full(u2));
  });

  it('with retryOptions, a 429 then success is 2 calls and 1 throttle; by default a 429 fails the call', async () => {
    server().script([{ error: { status: 429 } }, { text: 'ok', usage: u2 }, { error: { status: 500 } }]);
    const retrying = meter(
      new GoogleGenAI({
        apiKey: 'k',
        httpOptions: {
          baseUrl: server().geminiBaseUrl,
          retryOptions: { attempts: 3, initialDelay: 0.01, maxDelay: 0.02 },
        },
      }),
      metrics,
    );
    const error = await metrics
      .withInvocation({}, async () => {
        await retrying.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
        await client().models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
      })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 500 });
    const [record] = exporter.records;
    expect(record?.modelCalls.map((c) => [c.status, c.outcome])).toEqual([
      [429, 'error'],
      [undefined, 'success'],
      [500, 'error'],
    ]);
    expect(record?.summary.errors).toMatchObject({
      modelInvocationThrottles: 1,
      modelInvocationServerErrors: 1,
    });
  });

  it('records 20 concurrent invocations exactly, a call outside any, and survives a throwing exporter', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i);
    for (const i of keys)
      server().script(`g${i}`, [{ text: `n${i}`, usage: { input: 30 + i, output: 2 + i } }]);
    server().script([
      { text: 'alone', usage: u2 },
      { text: 'still fine', usage: u2 },
    ]);
    const ai = client();
    await Promise.all(
      keys.map((i) =>
        metrics.withInvocation({ name: `g${i}` }, () =>
          ai.models.generateContent({ model: 'gemini-2.5-flash', contents: `script:g${i}` }),
        ),
      ),
    );
    await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'alone' });
    expect(exporter.records).toHaveLength(21);
    for (const record of exporter.records.slice(0, 20)) {
      const i = Number(record.name?.slice(1));
      expect(usageOf(record)).toEqual(full({ input: 30 + i, output: 2 + i }));
    }
    expect(usageOf(exporter.records[20])).toEqual(full(u2));
    const throwing = throwingMetrics();
    const other = meter(
      new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server().geminiBaseUrl } }),
      throwing,
    );
    expect((await other.models.generateContent({ model: 'm', contents: 'x' })).text).toBe('still fine');
  });
});
