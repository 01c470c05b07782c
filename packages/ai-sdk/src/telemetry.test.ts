import { createOpenAI } from '@ai-sdk/openai';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import { type LanguageModel, type ToolSet, generateText, stepCountIs, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkTelemetry } from './index.js';
import { apiTools, errorCounters, memoryMetrics, noErrors, payload, startMcp } from './test-support.js';

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof startMcp>>;
let tools: ToolSet;

beforeAll(async () => {
  server = await startModelServer();
  mcp = await startMcp();
  tools = { ...apiTools, ...mcp.tools };
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

type Api = 'chat' | 'responses';
type Mode = 'generate' | 'stream';

function model(api: Api): LanguageModel {
  const openai = createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' });
  return api === 'chat' ? openai.chat('gpt-4o-mini') : openai('gpt-4o-mini');
}

/** Runs one call through the integration (per call) and returns the user's result and the one record. */
async function run(options: {
  api: Api;
  mode: Mode;
  key: string;
  script: ScriptStep[];
  maxRetries?: number;
  withTools?: boolean;
}) {
  const { metrics, memory, diagnostics } = memoryMetrics();
  const integration = aiSdkTelemetry(metrics);
  server.script(options.key, options.script);
  const common = {
    model: model(options.api),
    prompt: `script:${options.key} go`,
    ...(options.withTools === false ? {} : { tools, stopWhen: stepCountIs(5) }),
    maxRetries: options.maxRetries ?? 2,
    telemetry: { integrations: [integration], functionId: 'assistant' },
  };
  let result: { text?: string; error?: unknown };
  if (options.mode === 'generate') {
    try {
      result = { text: (await generateText(common)).text };
    } catch (error) {
      result = { error };
    }
  } else {
    let streamError: unknown;
    const stream = streamText({
      ...common,
      onError: ({ error }) => {
        streamError = error;
      },
    });
    let text = '';
    for await (const part of stream.fullStream) if (part.type === 'text-delta') text += part.text;
    result = streamError ? { error: streamError } : { text };
  }
  expect(memory.records).toHaveLength(1);
  expect(diagnostics.filter((d) => d.startsWith('adapter.error'))).toEqual([]);
  const record = memory.records[0]!;
  return { result, record, metric: payload(record) };
}

const toolLoop: ScriptStep[] = [
  {
    toolCalls: [
      { name: 'add', arguments: { a: 2, b: 3 } },
      { name: 'lookup', arguments: { topic: 'otters' } },
      { name: 'explode', arguments: {} },
      { name: 'missing_tool', arguments: {} },
      { name: 'add', arguments: { a: 'not a number', b: 1 } },
    ],
    usage: { input: 120, output: 30, cached: 64, reasoning: 12 },
    firstChunkDelayMs: 5,
  },
  { text: 'The answer is 5.', usage: { input: 310, output: 17, cached: 128 }, firstChunkDelayMs: 5 },
];

describe.each([
  ['generate', 'chat'],
  ['stream', 'chat'],
  ['generate', 'responses'],
  ['stream', 'responses'],
] as const)('telemetry integration, %s over %s', (mode, api) => {
  const streamed = mode === 'stream';
  const key = (name: string) => `${name}-${mode}-${api}`;

  it('a plain answer: one model call, exact tokens', async () => {
    const { result, metric, record } = await run({
      api,
      mode,
      key: key('plain'),
      withTools: false,
      script: [{ text: 'Hello there.', usage: { input: 21, output: 7 }, firstChunkDelayMs: 10 }],
    });
    expect(result.text).toBe('Hello there.');
    expect(metric).toMatchObject({
      providerType: 'AISDK',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 1,
      inputTokenCount: 21,
      outputTokenCount: 7,
      ...noErrors,
    });
    expect(metric.tools).toBeUndefined();
    expect((metric.ttft ?? 0) > 0).toBe(streamed);
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
    expect(metric.modelLatency).toBeGreaterThan(0);
    expect(record.modelCalls.map((c) => c.streamed)).toEqual([streamed]);
    expect(record.name).toBe('assistant'); // telemetry.functionId
  });

  it('a multi-step tool loop: api and MCP tools, a throwing tool, an unknown tool, invalid input; cached and reasoning tokens', async () => {
    const { result, metric, record } = await run({ api, mode, key: key('loop'), script: toolLoop });
    expect(result.text).toBe('The answer is 5.');
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 430,
      outputTokenCount: 47,
      ...noErrors,
    });
    expect(metric.tools).toEqual([
      { toolType: 'api', toolCalls: 4, successCount: 1, failureCount: 3 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(record.summary.usage).toMatchObject({
      cacheReadTokens: 192,
      reasoningTokens: 12,
      totalTokens: 477,
    });
    expect(record.toolCalls.map((t) => `${t.name}:${t.type}:${t.outcome}`).sort()).toEqual([
      'add:api:failure',
      'add:api:success',
      'explode:api:failure',
      'lookup:mcp:success',
      'missing_tool:api:failure',
    ]);
    expect((metric.ttft ?? 0) > 0).toBe(streamed);
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  });

  it('a 429 followed by success: two attempts, one throttle, the run succeeds', async () => {
    const { result, metric, record } = await run({
      api,
      mode,
      key: key('throttle'),
      withTools: false,
      script: [
        { error: { status: 429, retryAfter: 0 } },
        { text: 'Made it.', usage: { input: 40, output: 4 }, firstChunkDelayMs: 5 },
      ],
    });
    expect(result.text).toBe('Made it.');
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 40,
      outputTokenCount: 4,
      ...noErrors,
      modelInvocationThrottles: 1,
    });
    expect(record.outcome).toBe('success');
    expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
      [1, 'error', 429],
      [2, 'success', undefined],
    ]);
    expect((metric.ttft ?? 0) > 0).toBe(streamed);
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  });

  it('a 500 that fails the run: every attempt counted once, the error reaches the user untouched', async () => {
    const { result, metric, record } = await run({
      api,
      mode,
      key: key('fail'),
      withTools: false,
      maxRetries: 1,
      script: [
        { error: { status: 500, message: 'upstream broke', retryAfter: 0 } },
        { error: { status: 500, message: 'upstream broke', retryAfter: 0 } },
      ],
    });
    expect(result.error).toBeInstanceOf(Error);
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 0,
      outputTokenCount: 0,
      ...noErrors,
      modelInvocationServerErrors: 2,
    });
    expect(errorCounters(metric).invocationServerErrors).toBe(0);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({ category: 'server', status: 500 });
    expect(record.summary.usage).toBeUndefined();
    expect(metric.ttft).toBe(0);
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  });
});
