import { GoogleGenAI, Type } from '@google/genai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './index.js';

let server: ModelServer;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = await startModelServer();
  ai = new GoogleGenAI({ apiKey: 'test-key', httpOptions: { baseUrl: server.geminiBaseUrl } });
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const usage = { input: 1000, output: 80, cached: 600, reasoning: 20 };

describe('@google/genai: generateContent', () => {
  it('answers text with usageMetadata: cached in the prompt, thoughts beside candidates', async () => {
    server.script([{ text: 'Bonjour.', usage }]);
    const result = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents: 'hi' });
    expect(result.text).toBe('Bonjour.');
    expect(result.modelVersion).toBe('gemini-2.5-flash');
    expect(result.usageMetadata).toMatchObject({
      promptTokenCount: 1000,
      cachedContentTokenCount: 600,
      candidatesTokenCount: 60,
      thoughtsTokenCount: 20,
      totalTokenCount: 1080,
    });
    expect(server.requests[0]).toMatchObject({
      path: '/v1/models/gemini-2.5-flash:generateContent',
      api: 'gemini',
      stream: false,
    });
  });

  it('answers function calls', async () => {
    server.script([{ toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' }, id: 'fc_1' }] }]);
    const result = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'weather?',
      config: {
        tools: [
          {
            functionDeclarations: [
              { name: 'get_weather', parameters: { type: Type.OBJECT, properties: {} } },
            ],
          },
        ],
      },
    });
    expect(result.functionCalls).toEqual([{ id: 'fc_1', name: 'get_weather', args: { city: 'Rome' } }]);
  });

  it('streams with alt=sse: one chunk per piece, the last one with the final usage', async () => {
    server.script([{ text: 'one two three', usage }]);
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream({
      model: 'gemini-2.5-pro',
      contents: 'hi',
    }))
      chunks.push(chunk);
    expect(chunks.map((c) => c.text).join('')).toBe('one two three');
    expect(chunks).toHaveLength(3);
    expect(chunks[0]?.usageMetadata).toEqual({ promptTokenCount: 1000, totalTokenCount: 1000 });
    expect(chunks[2]?.usageMetadata).toMatchObject({ candidatesTokenCount: 60, thoughtsTokenCount: 20 });
    expect(server.requests[0]).toMatchObject({ api: 'gemini', stream: true });
    expect(server.requests[0]?.path).toBe('/v1/models/gemini-2.5-pro:streamGenerateContent');
  });

  it('answers scripted errors in Google’s shape', async () => {
    server.script([{ error: { status: 429 } }]);
    const error = await ai.models
      .generateContent({ model: 'gemini-2.5-flash', contents: 'hi' })
      .catch((e) => e);
    expect(error).toMatchObject({ name: 'ApiError', status: 429 });
    expect(String(error.message)).toContain('RESOURCE_EXHAUSTED');
  });
});
