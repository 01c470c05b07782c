import { createOpenAI as createOpenAIv3 } from '@ai-sdk/openai-v3';
import { createOpenAI } from '@ai-sdk/openai';
import { type InvocationRecord, createMetrics, createResourceMetricsExporter } from '@metrics/core';
import { type ModelServer, type ScriptStep, startCollector, startModelServer } from '@metrics/testkit';
import * as ai7 from 'ai';
import { type LanguageModel, generateText, registerTelemetry, stepCountIs, streamText, tool } from 'ai';
import * as ai6 from 'ai-v6';
import { z } from 'zod';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { aiSdkMiddleware, aiSdkTelemetry } from './index.js';
import { ACCOUNT, apiTools, memoryMetrics, noErrors, payload, tick } from './test-support.js';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  globalThis.AI_SDK_TELEMETRY_INTEGRATIONS = [];
});

const chat = (): LanguageModel =>
  createOpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }).chat('gpt-4o-mini');

const loop = (i: number): ScriptStep[] => [
  {
    toolCalls: Array.from({ length: (i % 3) + 1 }, (_, n) => ({ name: 'add', arguments: { a: n, b: i } })),
    usage: { input: 100 + i, output: 10 + i },
    firstChunkDelayMs: 1 + (i % 4),
  },
  { text: `done ${i}`, usage: { input: 200 + i, output: 20 + i }, firstChunkDelayMs: 1 + (i % 5) },
];

/** A loop record with exact numbers; `throttled(i)` says whether run i's second step met a 429 first. */
function expectLoopRecord(record: InvocationRecord, streamed: boolean, throttled = (_i: number) => false) {
  const metric = payload(record);
  const i = ((metric.inputTokenCount ?? 0) - 300) / 2;
  expect(Number.isInteger(i) && i >= 0 && i < 20).toBe(true);
  expect(metric).toMatchObject({
    modelInvocationCount: throttled(i) ? 3 : 2,
    inputTokenCount: 300 + 2 * i,
    outputTokenCount: 30 + 2 * i,
    ...noErrors,
    modelInvocationThrottles: throttled(i) ? 1 : 0,
    tools: [{ toolType: 'api', toolCalls: (i % 3) + 1, successCount: (i % 3) + 1, failureCount: 0 }],
  });
  expect((metric.ttft ?? 0) > 0).toBe(streamed);
  expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime ?? 0);
  return i;
}

describe('registration', () => {
  it('registerTelemetry (global) and telemetry.integrations (per call) give the same record', async () => {
    const global = memoryMetrics();
    registerTelemetry(aiSdkTelemetry(global.metrics));
    server.script('global', loop(7));
    await generateText({ model: chat(), tools: apiTools, stopWhen: stepCountIs(4), prompt: 'script:global' });

    const local = memoryMetrics();
    server.script('local', loop(7));
    await generateText({
      model: chat(),
      tools: apiTools,
      stopWhen: stepCountIs(4),
      prompt: 'script:local',
      telemetry: { integrations: [aiSdkTelemetry(local.metrics)] },
    });
    expect(global.memory.records).toHaveLength(1);
    expect(local.memory.records).toHaveLength(1);
    const strip = (r: InvocationRecord) => {
      const { sessionId, time, totalTime, modelLatency, ...rest } = payload(r);
      return rest;
    };
    expect(strip(local.memory.records[0]!)).toEqual(strip(global.memory.records[0]!));
    expectLoopRecord(global.memory.records[0]!, false);
  });

  it('per-call integrations replace the global ones for that call (as the AI SDK does)', async () => {
    const global = memoryMetrics();
    const local = memoryMetrics();
    registerTelemetry(aiSdkTelemetry(global.metrics));
    server.script('replace', [{ text: 'hi', usage: { input: 3, output: 1 } }]);
    await generateText({
      model: chat(),
      prompt: 'script:replace',
      telemetry: { integrations: [aiSdkTelemetry(local.metrics)] },
    });
    expect(global.memory.records).toHaveLength(0);
    expect(local.memory.records).toHaveLength(1);
  });
});

describe('tool types', () => {
  it('the user override (toolTypes) wins over the detected type', async () => {
    const { memory } = memoryMetrics();
    const metrics = createMetrics({ exporters: [memory], logger: false, toolTypes: { add: 'mcp' } });
    server.script('override', loop(2));
    await generateText({
      model: chat(),
      tools: apiTools,
      stopWhen: stepCountIs(4),
      prompt: 'script:override',
      telemetry: { integrations: [aiSdkTelemetry(metrics)] },
    });
    expect(payload(memory.records[0]).tools).toEqual([
      { toolType: 'mcp', toolCalls: 3, successCount: 3, failureCount: 0 },
    ]);
  });
});

describe('concurrency', () => {
  it('20 concurrent calls through one integration, streamed and not, never mix', async () => {
    const { metrics, memory } = memoryMetrics();
    const integration = aiSdkTelemetry(metrics);
    const runs = Array.from({ length: 20 }, async (_, i) => {
      server.script(`int-${i}`, loop(i));
      const common = {
        model: chat(),
        tools: apiTools,
        stopWhen: stepCountIs(4),
        prompt: `script:int-${i}`,
        telemetry: { integrations: [integration] },
      };
      if (i % 2 === 0) return (await generateText(common)).text;
      const stream = streamText(common);
      return await stream.text;
    });
    const texts = await Promise.all(runs);
    expect(texts).toEqual(Array.from({ length: 20 }, (_, i) => `done ${i}`));
    expect(memory.records).toHaveLength(20);
    const seen = memory.records.map((record) => {
      const i = expectLoopRecord(record, record.modelCalls[0]!.streamed);
      expect(record.modelCalls[0]!.streamed).toBe(i % 2 === 1);
      return i;
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('20 concurrent calls through one shared middleware on AI SDK 6, streamed and not, some retried after a 429, never mix', async () => {
    const { metrics, memory } = memoryMetrics();
    const middleware = aiSdkMiddleware(metrics);
    const model = ai6.wrapLanguageModel({
      model: createOpenAIv3({ baseURL: server.openaiBaseUrl, apiKey: 'test' }).chat('gpt-4o-mini'),
      middleware,
    });
    const add = ai6.tool({
      inputSchema: z.object({ a: z.number(), b: z.number() }),
      execute: async ({ a, b }) => a + b,
    });
    const runs = Array.from({ length: 20 }, async (_, i) => {
      // every third run meets a 429 before its second step: the retry must stay in its run
      const [first, second] = loop(i) as [ScriptStep, ScriptStep];
      server.script(
        `mw6-${i}`,
        i % 3 === 0 ? [first, { error: { status: 429, retryAfter: 0 } }, second] : [first, second],
      );
      const common = { model, tools: { add }, stopWhen: ai6.stepCountIs(4), prompt: `script:mw6-${i}` };
      if (i % 2 === 0) return (await ai6.generateText(common)).text;
      return await ai6.streamText(common).text;
    });
    const texts = await Promise.all(runs);
    expect(texts).toEqual(Array.from({ length: 20 }, (_, i) => `done ${i}`));
    await tick(5);
    expect(memory.records).toHaveLength(20);
    const seen = memory.records.map((record) =>
      expectLoopRecord(record, record.modelCalls[0]!.streamed, (i) => i % 3 === 0),
    );
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });
});

describe('the agent is never disturbed', () => {
  it('an exporter that throws changes neither the result nor the error the user sees', async () => {
    const broken = createMetrics({
      logger: false,
      exporters: [
        {
          export() {
            throw new Error('exporter down');
          },
        },
      ],
    });
    const failures: string[] = [];
    broken.diagnostics.on((event) => failures.push(event.type));
    const model = ai7.wrapLanguageModel({ model: chat() as never, middleware: aiSdkMiddleware(broken) });
    const telemetry = { integrations: [aiSdkTelemetry(broken)] };
    server.script('broken', [{ text: 'still fine', usage: { input: 5, output: 2 } }]);
    const result = await generateText({ model, prompt: 'script:broken', telemetry });
    expect(result.text).toBe('still fine');

    server.script('broken-fail', [{ error: { status: 400, message: 'bad request' } }]);
    const error = await generateText({ model, prompt: 'script:broken-fail', telemetry }).catch((e) => e);
    expect(error).toBeInstanceOf(ai7.APICallError);
    expect((error as ai7.APICallError).statusCode).toBe(400);
    expect(failures.filter((t) => t === 'adapter.error')).toHaveLength(2);
  });

  it('an aborted stream is reported as aborted', async () => {
    const { metrics, memory } = memoryMetrics();
    server.script('abort', [{ hang: true }]);
    const controller = new AbortController();
    const stream = streamText({
      model: chat(),
      prompt: 'script:abort',
      abortSignal: controller.signal,
      telemetry: { integrations: [aiSdkTelemetry(metrics)] },
      onError: () => {},
    });
    setTimeout(() => controller.abort(), 30);
    for await (const _ of stream.fullStream) {
      // consume until aborted
    }
    await tick(5);
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.outcome).toBe('error');
    expect(record.error?.category).toBe('abort');
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 1,
      ...noErrors,
      modelInvocationUnknownErrors: 1,
    });
  });

  it('an aborted generateText is reported as aborted, with the middleware too', async () => {
    const { metrics, memory } = memoryMetrics();
    server.script('abort-generate', [{ hang: true }]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 30);
    const error = await generateText({
      model: ai7.wrapLanguageModel({ model: chat() as never, middleware: aiSdkMiddleware(metrics) }),
      prompt: 'script:abort-generate',
      abortSignal: controller.signal,
      telemetry: { integrations: [aiSdkTelemetry(metrics)] },
    }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.error?.category).toBe('abort');
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 1,
      ...noErrors,
      modelInvocationUnknownErrors: 1,
    });
  });

  it('a generateText call inside a tool rolls into the calling run as a member run', async () => {
    const { metrics, memory } = memoryMetrics();
    const telemetry = { integrations: [aiSdkTelemetry(metrics)] };
    const research = tool({
      inputSchema: z.object({ q: z.string() }),
      execute: async ({ q }) =>
        (await generateText({ model: chat(), prompt: `script:inner ${q}`, telemetry })).text,
    });
    server.script('outer', [
      { toolCalls: [{ name: 'research', arguments: { q: 'bees' } }], usage: { input: 30, output: 6 } },
      { text: 'Bees dance.', usage: { input: 60, output: 4 } },
    ]);
    server.script('inner', [{ text: 'they dance', usage: { input: 11, output: 3 } }]);
    const result = await generateText({
      model: chat(),
      tools: { research },
      stopWhen: stepCountIs(3),
      prompt: 'script:outer',
      telemetry,
    });
    expect(result.text).toBe('Bees dance.');
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.members).toHaveLength(1);
    expect(record.members[0]?.memberKind).toBe('subagent');
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 3,
      inputTokenCount: 101,
      outputTokenCount: 13,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
    });
  });

  it('open runs are bounded: the oldest is ended and reported', () => {
    const { metrics, memory, diagnostics } = memoryMetrics();
    const integration = aiSdkTelemetry({ metrics, maxOpenRuns: 2 });
    for (const callId of ['a', 'b', 'c']) integration.onStart({ callId, operationId: 'ai.generateText' });
    expect(memory.records).toHaveLength(1);
    expect(diagnostics.some((d) => d.startsWith('runs.evicted'))).toBe(true);
  });
});

describe('inside metrics.withInvocation', () => {
  it("the middleware alone records into the current invocation: one record, the user's", async () => {
    const { metrics, memory } = memoryMetrics();
    const model = ai7.wrapLanguageModel({ model: chat() as never, middleware: aiSdkMiddleware(metrics) });
    server.script('scoped', loop(3));
    const text = await metrics.withInvocation({ name: 'my-run', sessionId: 'conversation-1' }, async () => {
      const result = await generateText({
        model,
        tools: apiTools,
        stopWhen: stepCountIs(4),
        prompt: 'script:scoped',
        telemetry: { isEnabled: false },
      });
      return result.text;
    });
    expect(text).toBe('done 3');
    expect(memory.records).toHaveLength(1);
    expect(memory.records[0]).toMatchObject({ name: 'my-run', sessionId: 'conversation-1' });
    expectLoopRecord(memory.records[0]!, false);
  });

  it('the integration makes each call a member run of the current invocation', async () => {
    const { metrics, memory } = memoryMetrics();
    const telemetry = { integrations: [aiSdkTelemetry(metrics)] };
    server.script('member-a', loop(1));
    server.script('member-b', [{ text: 'second', usage: { input: 9, output: 2 } }]);
    await metrics.withInvocation({ name: 'pipeline' }, async () => {
      await generateText({
        model: chat(),
        tools: apiTools,
        stopWhen: stepCountIs(4),
        prompt: 'script:member-a',
        telemetry,
      });
      await generateText({ model: chat(), prompt: 'script:member-b', telemetry });
    });
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.members).toHaveLength(2);
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 3,
      inputTokenCount: 311,
      outputTokenCount: 34,
    });
  });
});

describe('connection failures', () => {
  it('a dropped connection retried with success: a server-side (network) error on the first attempt', async () => {
    const { metrics, memory } = memoryMetrics();
    server.script('drop', [{ drop: true }, { text: 'recovered', usage: { input: 12, output: 3 } }]);
    const result = await generateText({
      model: chat(),
      prompt: 'script:drop',
      telemetry: { integrations: [aiSdkTelemetry(metrics)] },
    });
    expect(result.text).toBe('recovered');
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.modelCalls.map((c) => [c.attempt, c.outcome])).toEqual([
      [1, 'error'],
      [2, 'success'],
    ]);
    expect(payload(record)).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 12,
      outputTokenCount: 3,
      ...noErrors,
      modelInvocationServerErrors: 1,
    });
  });
});

describe.each(['integration', 'middleware', 'both'] as const)(
  'a stream cut mid-way, with the %s',
  (hooks) => {
    it("fails its attempt as a network (server-side) error, counted once; the user gets the SDK's own error", async () => {
      const { metrics, memory } = memoryMetrics();
      const key = `cut-${hooks}`;
      server.script(key, [{ text: 'a long answer that is cut somewhere in the middle', dropAfterChunks: 3 }]);
      const model =
        hooks === 'integration'
          ? chat()
          : ai7.wrapLanguageModel({
              model: chat() as never,
              middleware: aiSdkMiddleware({ metrics, idleTimeoutMs: 20 }),
            });
      const telemetry =
        hooks === 'middleware' ? { isEnabled: false } : { integrations: [aiSdkTelemetry(metrics)] };
      const stream = streamText({
        model,
        prompt: `script:${key}`,
        maxRetries: 0,
        telemetry,
        onError: () => {},
      });
      const thrown = await (async () => {
        for await (const _ of stream.fullStream) {
          // consume
        }
      })().catch((error: unknown) => error);
      expect(thrown).toBeInstanceOf(ai7.APICallError); // what the AI SDK does with or without this package
      await memory.waitFor(1, 2000);
      const record = memory.records[0]!;
      expect(record.outcome).toBe('error');
      expect(record.modelCalls.map((c) => [c.outcome, c.error?.category])).toEqual([['error', 'network']]);
      expect(payload(record)).toMatchObject({
        modelInvocationCount: 1,
        ...noErrors,
        modelInvocationServerErrors: 1,
      });
    });
  },
);

describe('delivery', () => {
  it('the record reaches the reference collector through the resourceMetrics HTTP exporter', async () => {
    const collector = await startCollector({ token: 'secret-token' });
    try {
      const exporter = createResourceMetricsExporter({
        endpoint: collector.endpoint,
        accountId: ACCOUNT,
        token: 'secret-token',
        batchDelayMs: 10,
        env: {},
        logger: false,
      });
      const metrics = createMetrics({ exporters: [exporter], logger: false });
      server.script('deliver', loop(4));
      const stream = streamText({
        model: chat(),
        tools: apiTools,
        stopWhen: stepCountIs(4),
        prompt: 'script:deliver',
        telemetry: { integrations: [aiSdkTelemetry(metrics)] },
      });
      expect(await stream.text).toBe('done 4');
      await metrics.flush();
      expect(collector.records).toHaveLength(1);
      expect(collector.records[0]).toMatchObject({
        extAccountAliasId: ACCOUNT,
        providerType: 'AISDK',
        modelInvocationCount: 2,
        inputTokenCount: 308,
        outputTokenCount: 38,
        tools: [{ toolType: 'api', toolCalls: 2, successCount: 2, failureCount: 0 }],
      });
      expect(collector.records[0]!.ttft).toBeGreaterThan(0);
      await metrics.shutdown();
    } finally {
      await collector.close();
    }
  });
});
