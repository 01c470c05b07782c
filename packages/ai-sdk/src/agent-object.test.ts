import { createOpenAI } from '@ai-sdk/openai';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import {
  type LanguageModel,
  Output,
  ToolLoopAgent,
  generateText,
  generateObject,
  stepCountIs,
  streamObject,
  wrapLanguageModel,
} from 'ai';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkMiddleware, aiSdkTelemetry } from './index.js';
import { apiTools, memoryMetrics, noErrors, payload, startMcp } from './test-support.js';

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof startMcp>>;
beforeAll(async () => {
  server = await startModelServer();
  mcp = await startMcp();
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

const chat = (): LanguageModel =>
  createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }).chat('gpt-4o-mini');
const responses = (): LanguageModel =>
  createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' })('gpt-4o-mini');

const agentScript: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'add', arguments: { a: 1, b: 1 } },
      { name: 'lookup', arguments: { topic: 'owls' } },
    ],
    usage: { input: 80, output: 12, reasoning: 4 },
    firstChunkDelayMs: 5,
  },
  { toolCalls: [{ name: 'explode', arguments: {} }], usage: { input: 140, output: 9 }, firstChunkDelayMs: 5 },
  { text: 'Two, and owls are wise.', usage: { input: 190, output: 11, cached: 96 }, firstChunkDelayMs: 5 },
];

describe.each(['generate', 'stream'] as const)('ToolLoopAgent (AI SDK 7), %s', (mode) => {
  it('one record for the whole agent loop', async () => {
    const { metrics, memory } = memoryMetrics();
    const agent = new ToolLoopAgent({
      model: responses(),
      tools: { ...apiTools, ...mcp.tools },
      stopWhen: stepCountIs(6),
      telemetry: { integrations: [aiSdkTelemetry(metrics)] },
    });
    const key = `agent-${mode}`;
    server.script(key, agentScript);
    let text: string;
    if (mode === 'generate') text = (await agent.generate({ prompt: `script:${key} count` })).text;
    else {
      const stream = await agent.stream({ prompt: `script:${key} count` });
      text = '';
      for await (const chunk of stream.textStream) text += chunk;
    }
    expect(text).toBe('Two, and owls are wise.');
    expect(memory.records).toHaveLength(1);
    const metric = payload(memory.records[0]);
    expect(metric).toMatchObject({
      modelInvocationCount: 3,
      inputTokenCount: 410,
      outputTokenCount: 32,
      ...noErrors,
    });
    expect(metric.tools).toEqual([
      { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(memory.records[0]?.summary.usage).toMatchObject({ cacheReadTokens: 96, reasoningTokens: 4 });
    expect((metric.ttft ?? 0) > 0).toBe(mode === 'stream');
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  });
});

const city = z.object({ city: z.string(), population: z.number() });
const cityJson = '{"city":"Paris","population":2100000}';

describe.each([
  ['integration', 'generateObject'],
  ['integration', 'streamObject'],
  ['both', 'generateObject'],
  ['both', 'streamObject'],
  ['middleware', 'generateObject'],
  ['middleware', 'streamObject'],
] as const)('object generation with the %s, %s', (hooks, fn) => {
  it('one model call, exact tokens, a 429 retried counted once as a throttle', async () => {
    const { metrics, memory } = memoryMetrics();
    const key = `object-${hooks}-${fn}`;
    server.script(key, [
      { error: { status: 429, retryAfter: 0 } },
      { text: cityJson, usage: { input: 55, output: 13, cached: 32 }, firstChunkDelayMs: 5 },
    ]);
    const model =
      hooks === 'integration'
        ? chat()
        : wrapLanguageModel({ model: chat() as never, middleware: aiSdkMiddleware(metrics) });
    const telemetry =
      hooks === 'middleware' ? { isEnabled: false } : { integrations: [aiSdkTelemetry(metrics)] };
    const options = { model, schema: city, prompt: `script:${key} capital of France`, telemetry };
    const object =
      fn === 'generateObject'
        ? (await generateObject(options)).object
        : await (async () => {
            const stream = streamObject(options);
            for await (const _ of stream.partialObjectStream) {
              // consume
            }
            return stream.object;
          })();
    expect(object).toEqual({ city: 'Paris', population: 2100000 });
    expect(memory.records).toHaveLength(1);
    const metric = payload(memory.records[0]);
    // the integration alone cannot see the retried attempt of generateObject/streamObject
    const seesAttempts = hooks !== 'integration';
    expect(metric).toMatchObject({
      modelInvocationCount: seesAttempts ? 2 : 1,
      inputTokenCount: 55,
      outputTokenCount: 13,
      ...noErrors,
      modelInvocationThrottles: seesAttempts ? 1 : 0,
    });
    expect(metric.tools).toBeUndefined();
    expect(memory.records[0]?.summary.usage?.cacheReadTokens).toBe(32);
    expect((metric.ttft ?? 0) > 0).toBe(fn === 'streamObject');
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  });
});

describe('generateText with an object output (AI SDK 7)', () => {
  it('the integration alone sees each attempt', async () => {
    const { metrics, memory } = memoryMetrics();
    server.script('output-object', [
      { error: { status: 429, retryAfter: 0 } },
      { text: cityJson, usage: { input: 44, output: 12 } },
    ]);
    const result = await generateText({
      model: chat(),
      output: Output.object({ schema: city }),
      prompt: 'script:output-object capital of France',
      telemetry: { integrations: [aiSdkTelemetry(metrics)] },
    });
    expect(result.output).toEqual({ city: 'Paris', population: 2100000 });
    expect(memory.records).toHaveLength(1);
    expect(payload(memory.records[0])).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 44,
      outputTokenCount: 12,
      ...noErrors,
      modelInvocationThrottles: 1,
      ttft: 0,
    });
  });
});
