import { fromLangChainUsageMetadata } from '@metrics/core';
import { tool } from '@langchain/core/tools';
import { ChatOpenAI } from '@langchain/openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type ModelServer, startModelServer } from './index.js';
import { expectNormalizedUsage } from './test-helpers.js';

let server: ModelServer;

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const chat = (options: { useResponsesApi?: boolean; streaming?: boolean } = {}) =>
  new ChatOpenAI({
    model: 'gpt-4o',
    apiKey: 'test-key',
    configuration: { baseURL: server.openaiBaseUrl },
    maxRetries: 0,
    ...options,
  });

const weather = tool(async ({ city }: { city: string }) => `sunny in ${city}`, {
  name: 'get_weather',
  description: 'Weather for a city',
  schema: z.object({ city: z.string() }),
});

const usage = { input: 210, output: 35, cached: 128, reasoning: 9 };

describe.each([
  ['chat completions', false],
  ['responses API', true],
])('@langchain/openai ChatOpenAI over %s', (_name, useResponsesApi) => {
  it('invoke: text and exact usage_metadata', async () => {
    server.script([{ text: 'Hi from LangChain.', usage }]);
    const message = await chat({ useResponsesApi }).invoke('hello');
    expect(message.content).toEqual(
      useResponsesApi ? [expect.objectContaining({ text: 'Hi from LangChain.' })] : 'Hi from LangChain.',
    );
    expect(message.usage_metadata?.input_tokens).toBe(210);
    expect(message.usage_metadata?.output_tokens).toBe(35);
    expect(message.usage_metadata?.input_token_details?.cache_read).toBe(128);
    expect(message.usage_metadata?.output_token_details?.reasoning).toBe(9);
    expectNormalizedUsage(fromLangChainUsageMetadata(message.usage_metadata), usage);
    expect(server.requests[0]?.api).toBe(useResponsesApi ? 'openai-responses' : 'openai-chat');
  });

  it('stream: chunks concatenate to the text and carry the usage', async () => {
    server.script([{ text: 'one two three four five', usage }]);
    const stream = await chat({ useResponsesApi }).stream('count');
    let full: Awaited<ReturnType<typeof stream.next>>['value'] | undefined;
    let pieces = 0;
    for await (const chunk of stream) {
      full = full ? full.concat(chunk) : chunk;
      pieces++;
    }
    expect(pieces).toBeGreaterThan(3);
    expect(full?.text).toBe('one two three four five');
    expectNormalizedUsage(fromLangChainUsageMetadata(full?.usage_metadata), usage);
    expect(server.requests[0]?.stream).toBe(true);
  });

  it('bindTools: parallel tool calls', async () => {
    server.script([
      {
        toolCalls: [
          { name: 'get_weather', arguments: { city: 'Paris' }, id: 'call_a' },
          { name: 'get_weather', arguments: { city: 'Rome' }, id: 'call_b' },
        ],
        usage: { input: 60, output: 22 },
      },
    ]);
    const message = await chat({ useResponsesApi }).bindTools([weather]).invoke('weather?');
    expect(message.tool_calls?.map((c) => [c.id, c.name, c.args])).toEqual([
      ['call_a', 'get_weather', { city: 'Paris' }],
      ['call_b', 'get_weather', { city: 'Rome' }],
    ]);
    expect(message.usage_metadata?.total_tokens).toBe(82);
  });

  it.each([429, 400, 401, 500, 503])('throws the scripted %i with its status', async (status) => {
    server.script([{ error: { status, message: `scripted ${status}` } }]);
    const error = await chat({ useResponsesApi })
      .invoke('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { status?: number }).status).toBe(status);
    expect((error as Error).message).toContain(`scripted ${status}`);
  });
});
