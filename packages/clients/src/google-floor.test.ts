// The lowest @google/genai of the peer range (1.0.0, aliased as @google/genai-v1): the tool loop
// and a stream give the same exact record as on the version the other tests use.
import { GoogleGenAI, Type } from '@google/genai-v1';
import { describe, expect, it } from 'vitest';
import { meter, runTool } from './google.js';
import { full, setup, sum, usageOf } from './test-support.js';

const { server, metrics, exporter } = setup();
const client = () =>
  meter(new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: server().geminiBaseUrl } }), metrics);
const tools = [
  { functionDeclarations: [{ name: 'get_weather', parameters: { type: Type.OBJECT, properties: {} } }] },
];
const u1 = { input: 500, output: 90, cached: 200, reasoning: 30 };
const u2 = { input: 40, output: 6 };

describe('meter(new GoogleGenAI()) on @google/genai 1.0.0', () => {
  it('records a tool loop: two calls, the tool run, exact usage', async () => {
    server().script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }], usage: u1 },
      { text: 'Sunny.', usage: u2 },
    ]);
    const ai = client();
    await metrics.withInvocation({}, async () => {
      const first = await ai.models.generateContent({
        model: 'gemini-2.0-flash',
        contents: 'weather?',
        config: { tools },
      });
      const call = first.functionCalls?.[0];
      const result = await runTool(call?.name ?? '', async () => ({ sky: 'sunny' }));
      const second = await ai.models.generateContent({
        model: 'gemini-2.0-flash',
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
    expect(record?.summary.tools.api).toEqual({ calls: 1, success: 1, failure: 0 });
    expect(usageOf(record)).toEqual(sum(u1, u2));
  });

  it('streams: usage of the last chunk, ttft, every chunk to the caller', async () => {
    server().script([{ text: 'one two three', usage: u1, firstChunkDelayMs: 60 }]);
    const texts: string[] = [];
    await metrics.withInvocation({}, async () => {
      const stream = await client().models.generateContentStream({
        model: 'gemini-2.0-flash',
        contents: 'hi',
      });
      for await (const chunk of stream) texts.push(chunk.text ?? '');
    });
    expect(texts).toEqual(['one ', 'two ', 'three']);
    const [record] = exporter.records;
    expect(usageOf(record)).toEqual(full(u1));
    expect(record!.modelCalls[0]!.firstTokenAt! - record!.modelCalls[0]!.startedAt).toBeGreaterThanOrEqual(
      55,
    );
  });
});
