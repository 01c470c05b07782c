import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { fromAiSdkUsage } from '@metrics/core';
import { APICallError, generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type ModelServer, startModelServer } from './index.js';
import { expectNormalizedUsage } from './test-helpers.js';

let server: ModelServer;
let openai: ReturnType<typeof createOpenAI>;
let anthropic: ReturnType<typeof createAnthropic>;

beforeAll(async () => {
  server = await startModelServer();
  openai = createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test-key' });
  anthropic = createAnthropic({ baseURL: `${server.anthropicBaseUrl}/v1`, apiKey: 'test-key' });
});
afterAll(() => server.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
});

const weather = tool({
  description: 'Weather for a city',
  inputSchema: jsonSchema<{ city: string }>({
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  }),
  execute: async ({ city }) => `sunny in ${city}`,
});

const models = () =>
  [
    ['openai.chat', openai.chat('gpt-4o'), 'openai-chat'],
    ['openai responses (default)', openai('gpt-4.1'), 'openai-responses'],
    ['anthropic', anthropic('claude-sonnet-4-5'), 'anthropic-messages'],
  ] as const;

const cases = ['openai.chat', 'openai responses (default)', 'anthropic'] as const;
const pick = (name: (typeof cases)[number]) => models().find(([n]) => n === name)!;

// Anthropic has no reasoning count of its own (it is inside output_tokens); OpenAI has no cache write.
const usageFor = (name: string) =>
  name === 'anthropic'
    ? { input: 500, output: 40, cached: 300, cacheWrite: 100 }
    : { input: 500, output: 40, cached: 300, reasoning: 12 };

describe.each(cases)('ai + @ai-sdk: %s', (name) => {
  it('generateText: text and exact usage', async () => {
    const [, model, api] = pick(name);
    const usage = usageFor(name);
    server.script([{ text: 'Hello from the server.', usage, model: 'served-model' }]);
    const result = await generateText({ model, prompt: 'hi' });
    expect(result.text).toBe('Hello from the server.');
    expect(result.usage.inputTokens).toBe(500);
    expect(result.usage.outputTokens).toBe(40);
    expect(result.usage.inputTokenDetails.cacheReadTokens).toBe(300);
    expect(result.response.modelId).toBe('served-model');
    expectNormalizedUsage(fromAiSdkUsage(result.usage), usage);
    expect(server.requests[0]?.api).toBe(api);
  });

  it('generateText: parallel tool calls, then the final answer; usage summed over steps', async () => {
    const [, model] = pick(name);
    server.script([
      {
        toolCalls: [
          { name: 'weather', arguments: { city: 'Paris' } },
          { name: 'weather', arguments: { city: 'Lima' } },
        ],
        usage: { input: 100, output: 20 },
      },
      { text: 'Sunny in both.', usage: { input: 150, output: 10 } },
    ]);
    const result = await generateText({
      model,
      prompt: 'weather?',
      tools: { weather },
      stopWhen: stepCountIs(3),
    });
    expect(result.text).toBe('Sunny in both.');
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.toolCalls.map((c) => c.input)).toEqual([{ city: 'Paris' }, { city: 'Lima' }]);
    expect(result.steps[0]?.toolResults.map((r) => r.output)).toEqual(['sunny in Paris', 'sunny in Lima']);
    expect(result.totalUsage.inputTokens).toBe(250);
    expect(result.totalUsage.outputTokens).toBe(30);
    expect(server.requests).toHaveLength(2);
  });

  it('streamText: streamed text, tool calls and exact usage', async () => {
    const [, model] = pick(name);
    const usage = usageFor(name);
    server.script([
      { toolCalls: [{ name: 'weather', arguments: { city: 'Oslo' } }], usage: { input: 80, output: 9 } },
      { text: 'It is sunny in Oslo today.', usage, firstChunkDelayMs: 60, chunkDelayMs: 5 },
    ]);
    const result = streamText({ model, prompt: 'weather?', tools: { weather }, stopWhen: stepCountIs(3) });
    const deltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'text-delta') deltas.push(part.text);
    expect(deltas.join('')).toBe('It is sunny in Oslo today.');
    expect(deltas.length).toBeGreaterThan(3);
    expect(await result.text).toBe('It is sunny in Oslo today.');
    const steps = await result.steps;
    expect(steps[0]?.toolCalls[0]?.input).toEqual({ city: 'Oslo' });
    expectNormalizedUsage(fromAiSdkUsage(steps[1]?.usage), usage);
    const total = await result.totalUsage;
    expect(total.inputTokens).toBe(580);
    expect(total.outputTokens).toBe(49);
    expect(server.requests.every((r) => r.stream)).toBe(true);
  });

  it.each([429, 400, 401, 500, 503])('surfaces a scripted %i as APICallError', async (status) => {
    const [, model] = pick(name);
    server.script([{ error: { status, message: `scripted ${status}` } }]);
    const error = await generateText({ model, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(status);
    expect((error as APICallError).message).toContain(`scripted ${status}`);
  });

  it('retries a 429 (Retry-After 0) and then answers', async () => {
    const [, model] = pick(name);
    server.script([
      { error: { status: 429, retryAfter: 0 } },
      { text: 'ok', usage: { input: 2, output: 1 } },
    ]);
    const result = await generateText({ model, prompt: 'x', maxRetries: 1 });
    expect(result.text).toBe('ok');
    expect(server.requests).toHaveLength(2);
  });

  it('fails on a dropped connection', async () => {
    const [, model] = pick(name);
    server.script([{ drop: true }]);
    const error = await generateText({ model, prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
  });
});
