import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './index.js';

let server: ModelServer;
let openai: OpenAI;
let anthropic: Anthropic;

beforeAll(async () => {
  server = await startModelServer({ toolCallIds: 'reuse' });
  openai = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test', maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: server.anthropicBaseUrl, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => server.close());

const twoCalls = (key: string) => ({
  toolCalls: [
    { name: 'add', arguments: { a: 1, b: 2 } },
    { name: 'add', arguments: { a: 3, b: 4 }, id: `own_${key}` },
  ],
});

describe("toolCallIds: 'reuse'", () => {
  it('numbers the ids of each answer from call_0 on every API, streamed or not; a scripted id wins', async () => {
    server.script('a', [twoCalls('a')]);
    server.script('b', [twoCalls('b')]);
    server.script('c', [twoCalls('c')]);
    server.script('d', [twoCalls('d')]);
    const tools = [{ type: 'function' as const, function: { name: 'add', parameters: { type: 'object' } } }];
    const chat = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'script:a' }],
      tools,
    });
    expect(chat.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual(['call_0', 'own_a']);

    const streamed = await openai.chat.completions
      .stream({ model: 'gpt-4o', messages: [{ role: 'user', content: 'script:b' }], tools })
      .finalChatCompletion();
    expect(streamed.choices[0]?.message.tool_calls?.map((c) => c.id)).toEqual(['call_0', 'own_b']);

    const response = await openai.responses.create({ model: 'gpt-4o', input: 'script:c' });
    const calls = response.output.filter((item) => item.type === 'function_call');
    expect(calls.map((c) => c.call_id)).toEqual(['call_0', 'own_c']);

    const message = await anthropic.messages.create({
      model: 'claude-sonnet-4-5-20250929',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'script:d' }],
    });
    const uses = message.content.filter((block) => block.type === 'tool_use');
    expect(uses.map((u) => u.id)).toEqual(['call_0', 'own_d']);
  });

  it('an invalid value is refused when the server starts', async () => {
    await expect(startModelServer({ toolCallIds: 'random' as 'reuse' })).rejects.toThrow(/toolCallIds/);
  });
});
