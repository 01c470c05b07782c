import { fromOpenAIAgentsUsage } from '@metrics/core';
import { Agent, Runner, tool } from '@openai/agents-core';
import { OpenAIChatCompletionsModel, OpenAIResponsesModel } from '@openai/agents-openai';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ModelServer, startModelServer } from './index.js';
import { expectNormalizedUsage } from './test-helpers.js';

let server: ModelServer;
let client: OpenAI;
const runner = new Runner({ tracingDisabled: true });

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test-key', maxRetries: 0 });
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const getWeather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny in ${city}`,
});

const kinds = [
  ['OpenAIResponsesModel', () => new OpenAIResponsesModel(client, 'gpt-4.1'), 'openai-responses'],
  ['OpenAIChatCompletionsModel', () => new OpenAIChatCompletionsModel(client, 'gpt-4o'), 'openai-chat'],
] as const;

describe.each(kinds)('@openai/agents with %s', (_name, makeModel, api) => {
  const agent = () =>
    new Agent({ name: 'weather', instructions: 'script:agents', model: makeModel(), tools: [getWeather] });

  it('runs tool calls then answers; the run usage is the exact sum', async () => {
    server.script('agents', [
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' } },
          { name: 'get_weather', arguments: { city: 'Kyiv' } },
        ],
        usage: { input: 100, output: 20, cached: 50, reasoning: 5 },
      },
      { text: 'Sunny in both.', usage: { input: 180, output: 12, cached: 100 } },
    ]);
    const result = await runner.run(agent(), 'weather in Paris and Kyiv?');
    expect(result.finalOutput).toBe('Sunny in both.');
    expect(server.requests.map((r) => r.api)).toEqual([api, api]);
    expect(server.requests.every((r) => r.scriptKey === 'agents')).toBe(true);
    expectNormalizedUsage(fromOpenAIAgentsUsage(result.state.usage), {
      input: 280,
      output: 32,
      cached: 150,
      reasoning: 5,
    });
    expect(result.state.usage.requests).toBe(2);
  });

  it('streams, with the same usage', async () => {
    server.script('agents', [
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }], usage: { input: 40, output: 8 } },
      { text: 'It is sunny in Oslo.', usage: { input: 60, output: 7, cached: 32 } },
    ]);
    const result = await runner.run(agent(), 'weather in Oslo?', { stream: true });
    let deltas = '';
    for await (const event of result) {
      if (event.type === 'raw_model_stream_event' && event.data.type === 'output_text_delta')
        deltas += event.data.delta;
    }
    await result.completed;
    expect(deltas).toBe('It is sunny in Oslo.');
    expect(result.finalOutput).toBe('It is sunny in Oslo.');
    expect(server.requests.every((r) => r.stream)).toBe(true);
    expectNormalizedUsage(fromOpenAIAgentsUsage(result.state.usage), { input: 100, output: 15, cached: 32 });
  });

  it.each([429, 400, 401, 500, 503])('fails the run on a scripted %i', async (status) => {
    server.script('agents', [{ error: { status, message: `scripted ${status}` } }]);
    const error = await runner.run(agent(), 'x', { maxTurns: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain(`scripted ${status}`);
  });
});
