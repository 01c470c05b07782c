import { createOpenAI } from '@ai-sdk/openai';
import { Agent } from '@mastra/core/agent';
import { createTool } from '@mastra/core/tools';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ModelServer, startModelServer } from './index.js';

let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const weather = createTool({
  id: 'get_weather',
  description: 'Weather for a city',
  inputSchema: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny in ${city}`,
});

type MastraModel = ConstructorParameters<typeof Agent>[0]['model'];

const models = (): Array<readonly [string, MastraModel, string]> => [
  [
    'an @ai-sdk/openai chat model',
    // @mastra/core bundles its own @ai-sdk/provider types (4.0.17); the model is the same at runtime.
    createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'k' }).chat('gpt-4o') as unknown as MastraModel,
    'openai-chat',
  ],
  [
    'an OpenAI-compatible config (chat)',
    { id: 'openai/gpt-4o', url: server.openaiBaseUrl, apiKey: 'k' },
    'openai-chat',
  ],
  [
    'an OpenAI-compatible config (responses)',
    { id: 'openai/gpt-4.1', url: server.openaiBaseUrl, apiKey: 'k', api: 'responses' },
    'openai-responses',
  ],
];

describe.each([0, 1, 2])('Mastra Agent', (index) => {
  it(`generate with tools: ${['ai-sdk chat model', 'compatible config (chat)', 'compatible config (responses)'][index]}`, async () => {
    const [, model, api] = models()[index]!;
    server.script([
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
        usage: { input: 70, output: 9, cached: 64 },
      },
      { text: 'Sunny in Paris.', usage: { input: 95, output: 6 } },
    ]);
    const agent = new Agent({
      id: 'weather',
      name: 'weather',
      instructions: 'Be brief.',
      model,
      tools: { weather },
    });
    const result = await agent.generate('weather in Paris?', { maxSteps: 3 });
    expect(result.text).toBe('Sunny in Paris.');
    expect(result.totalUsage?.inputTokens).toBe(165);
    expect(result.totalUsage?.outputTokens).toBe(15);
    expect(server.requests.map((r) => r.api)).toEqual([api, api]);
  });

  it(`stream: ${['ai-sdk chat model', 'compatible config (chat)', 'compatible config (responses)'][index]}`, async () => {
    const [, model] = models()[index]!;
    server.script([{ text: 'one two three', usage: { input: 30, output: 3 } }]);
    const agent = new Agent({ id: 'plain', name: 'plain', instructions: 'Be brief.', model });
    const output = await agent.stream('count');
    let text = '';
    for await (const piece of output.textStream) text += piece;
    expect(text).toBe('one two three');
    const usage = await output.usage;
    expect(server.requests[0]?.stream).toBe(true);
    const body = server.requests[0]?.body as { stream_options?: unknown };
    if (index === 1) {
      // Mastra's OpenAI-compatible chat path does not ask for stream usage, so the server (like the
      // real API) sends none and Mastra reports none.
      expect(body.stream_options).toBeUndefined();
      expect(usage.inputTokens).toBeUndefined();
    } else {
      expect(usage.inputTokens).toBe(30);
      expect(usage.outputTokens).toBe(3);
    }
  });
});
