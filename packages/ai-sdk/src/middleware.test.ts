import { createOpenAI as createOpenAIv2 } from '@ai-sdk/openai-v2';
import { createOpenAI as createOpenAIv3 } from '@ai-sdk/openai-v3';
import { createOpenAI } from '@ai-sdk/openai';
import { type InvocationRecord, createMetrics } from '@metrics/core';
import { type ModelServer, type ScriptStep, startModelServer } from '@metrics/testkit';
import * as ai7 from 'ai';
import * as ai5 from 'ai-v5';
import * as ai6 from 'ai-v6';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkMiddleware, aiSdkTelemetry } from './index.js';
import { errorCounters, memoryMetrics, noErrors, payload, startMcp, tick } from './test-support.js';

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

type Major = 5 | 6 | 7;

const sdkOf = (major: Major): typeof ai7 =>
  (major === 7 ? ai7 : major === 6 ? ai6 : ai5) as unknown as typeof ai7;
type Mode = 'generate' | 'stream';

/** The same agent on every major: `add` works, `explode` throws, `lookup` is MCP on 7 (5 and 6 use a local stand-in). */
function toolsFor(major: Major) {
  const { tool } = sdkOf(major);
  return {
    add: tool({
      description: 'Adds two numbers',
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }: { a: number; b: number }) => a + b,
    }),
    explode: tool({
      description: 'Always fails',
      inputSchema: z.object({}),
      execute: async (): Promise<string> => {
        throw new Error('the tool exploded');
      },
    }),
    ...(major === 7
      ? mcp.tools
      : {
          lookup: tool({
            description: 'Looks up a fact',
            inputSchema: z.object({ topic: z.string() }),
            execute: async ({ topic }: { topic: string }) => `fact about ${topic}`,
          }),
        }),
  };
}

/**
 * Runs one call with the middleware only (the telemetry integration disabled on 7, absent on 6),
 * with `lookup` declared as MCP through the user override the middleware relies on.
 */
async function runMiddleware(options: {
  major: Major;
  mode: Mode;
  key: string;
  script: ScriptStep[];
  maxRetries?: number;
  both?: boolean;
}) {
  const { memory, diagnostics } = memoryMetrics();
  const recordMetrics = createMetrics({
    exporters: [memory],
    logger: false,
    toolTypes: { lookup: 'mcp' },
    diagnostics: (event) => diagnostics.push(`${event.type}: ${event.message}`),
  });
  // generous: a loaded CI machine can take well over 50 ms between a step and the next (tools, retries)
  const middleware = aiSdkMiddleware({ metrics: recordMetrics, idleTimeoutMs: 1000 });
  const sdk = sdkOf(options.major);
  const base =
    options.major === 7
      ? createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }).chat('gpt-4o-mini')
      : ((options.major === 6 ? createOpenAIv3 : createOpenAIv2)({
          baseURL: server.openaiBaseUrl,
          apiKey: 'test',
        }).chat('gpt-4o-mini') as unknown as ai7.LanguageModel);
  const model = sdk.wrapLanguageModel({ model: base as never, middleware: middleware as never });
  server.script(options.key, options.script);
  const telemetry =
    options.major === 7
      ? { telemetry: options.both ? { integrations: [aiSdkTelemetry(recordMetrics)] } : { isEnabled: false } }
      : { experimental_telemetry: { isEnabled: false } };
  const common = {
    model,
    prompt: `script:${options.key} go`,
    tools: toolsFor(options.major),
    stopWhen: sdk.stepCountIs(5),
    maxRetries: options.maxRetries ?? 2,
    ...telemetry,
  } as Parameters<typeof ai7.generateText>[0];
  let result: { text?: string; error?: unknown; usage?: unknown };
  if (options.mode === 'generate') {
    try {
      const r = await sdk.generateText(common);
      result = { text: r.text, usage: r.totalUsage };
    } catch (error) {
      result = { error };
    }
  } else {
    let streamError: unknown;
    const stream = sdk.streamText({
      ...(common as Parameters<typeof ai7.streamText>[0]),
      onError: ({ error }) => {
        streamError = error;
      },
    });
    let text = '';
    for await (const part of stream.fullStream) if (part.type === 'text-delta') text += part.text;
    result = streamError ? { error: streamError } : { text };
  }
  // a failed run waits for a retry that never comes (idleTimeoutMs) before it is reported
  if (result.error) await memory.waitFor(1, 5000);
  await tick(5);
  expect(memory.records).toHaveLength(1);
  expect(diagnostics.filter((d) => d.startsWith('adapter.error'))).toEqual([]);
  const record = memory.records[0] as InvocationRecord;
  return { result, record, metric: payload(record) };
}

const loop: ScriptStep[] = [
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
  { error: { status: 429, retryAfter: 0 } },
  { text: 'The answer is 5.', usage: { input: 310, output: 17, cached: 128 }, firstChunkDelayMs: 5 },
];

describe.each([
  [5, 'generate'],
  [5, 'stream'],
  [6, 'generate'],
  [6, 'stream'],
  [7, 'generate'],
  [7, 'stream'],
] as const)('middleware alone on AI SDK %i, %s', (major, mode) => {
  const streamed = mode === 'stream';
  const key = (name: string) => `mw-${name}-${major}-${mode}`;

  it('one record per call: a tool loop with a throttled step, api/MCP/throwing/unknown/invalid tool calls, cached and reasoning tokens', async () => {
    const { result, metric, record } = await runMiddleware({ major, mode, key: key('loop'), script: loop });
    expect(result.text).toBe('The answer is 5.');
    expect(metric).toMatchObject({
      providerType: 'AISDK',
      extModelId: 'gpt-4o-mini',
      modelInvocationCount: 3,
      inputTokenCount: 430,
      outputTokenCount: 47,
      ...noErrors,
      modelInvocationThrottles: 1,
    });
    expect(metric.tools).toEqual([
      { toolType: 'api', toolCalls: 4, successCount: 1, failureCount: 3 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(record.summary.usage).toMatchObject({ cacheReadTokens: 192, reasoningTokens: 12 });
    expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status ?? null])).toEqual([
      [1, 'success', null],
      [1, 'error', 429],
      [2, 'success', null],
    ]);
    expect((metric.ttft ?? 0) > 0).toBe(streamed);
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
    if (major !== 7 && result.usage) {
      // ai 5 and 6: `totalUsage` is the sum of the steps (`usage` is the last step only)
      expect(result.usage).toMatchObject({ inputTokens: 430, outputTokens: 47 });
    }
  });

  it('a 500 that fails the run: each attempt counted once, the run reported after the retry window', async () => {
    const { result, metric, record } = await runMiddleware({
      major,
      mode,
      key: key('fail'),
      maxRetries: 1,
      script: [{ error: { status: 500, retryAfter: 0 } }, { error: { status: 500, retryAfter: 0 } }],
    });
    expect(result.error).toBeInstanceOf(Error);
    expect(errorCounters(metric)).toEqual({ ...noErrors, modelInvocationServerErrors: 2 });
    expect(metric).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 0,
      outputTokenCount: 0,
      ttft: 0,
    });
    expect(metric.tools).toBeUndefined();
    expect(record.outcome).toBe('error');
    expect(record.modelCalls.map((c) => c.attempt)).toEqual([1, 2]);
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  });
});

describe.each(['generate', 'stream'] as const)(
  'integration and middleware together on AI SDK 7, %s',
  (mode) => {
    it('count every call once, with the middleware as the source of each attempt', async () => {
      const { result, metric, record } = await runMiddleware({
        major: 7,
        mode,
        key: `both-${mode}`,
        script: loop,
        both: true,
      });
      expect(result.text).toBe('The answer is 5.');
      expect(metric).toMatchObject({
        modelInvocationCount: 3,
        inputTokenCount: 430,
        outputTokenCount: 47,
        ...noErrors,
        modelInvocationThrottles: 1,
      });
      expect(metric.tools).toEqual([
        { toolType: 'api', toolCalls: 4, successCount: 1, failureCount: 3 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ]);
      expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status ?? null])).toEqual([
        [1, 'success', null],
        [1, 'error', 429],
        [2, 'success', null],
      ]);
      expect((metric.ttft ?? 0) > 0).toBe(mode === 'stream');
    });
  },
);
