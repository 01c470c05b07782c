// MetricsTracingProcessor registered in the SDK's own slot, against the model server over real HTTP
// with the `openai` client at its defaults (it retries by itself). Vitest sets NODE_ENV=test, which
// turns the SDK's tracing off: it is switched on here, with only this processor registered.
import { type InvocationRecord, type ResourceMetric, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import {
  Agent,
  addTraceProcessor,
  type MCPServerStdio,
  type Model,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  Runner,
  setTraceProcessors,
  setTracingDisabled,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentRunner, MetricsTracingProcessor } from './index.js';
import { explode, getWeather, NO_ERRORS, startMcpServer } from './test-support.js';

const ACCOUNT = '00000000-0000-4000-8000-000000000000';

let server: ModelServer;
let client: OpenAI;
let mcp: MCPServerStdio;
const memory = new InMemoryExporter();
const processor = new MetricsTracingProcessor({ exporters: [memory], logger: false });

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test' }); // default retries: 2
  mcp = await startMcpServer();
  setTraceProcessors([processor]);
  setTracingDisabled(false);
});
afterAll(async () => {
  setTracingDisabled(true);
  setTraceProcessors([]);
  await mcp?.close();
  await server?.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.reset();
});

const kinds = [
  ['OpenAIChatCompletionsModel', () => new OpenAIChatCompletionsModel(client, 'gpt-4o')],
  ['OpenAIResponsesModel', () => new OpenAIResponsesModel(client, 'gpt-4.1')],
] as const;

async function execute(runner: Runner, agent: Agent<any, any>, prompt: string, streamed: boolean) {
  if (!streamed) return (await runner.run(agent, prompt)).finalOutput;
  const result = await runner.run(agent, prompt, { stream: true });
  for await (const _event of result) {
    // drain
  }
  await result.completed;
  return result.finalOutput;
}

async function onlyRecord(): Promise<{ record: InvocationRecord; metric: ResourceMetric }> {
  const [record] = await memory.waitFor(1);
  expect(memory.records).toHaveLength(1);
  return { record: record!, metric: toResourceMetric(record!, { accountId: ACCOUNT }) };
}

describe.each(kinds)('%s', (kind, makeModel: () => Model) => {
  describe.each([false, true])('streamed: %s', (streamed) => {
    it('a plain answer: one record, one model call with its usage', async () => {
      server.script('plain', [{ text: 'Hello.', usage: { input: 12, output: 3 }, model: 'gpt-scripted' }]);
      const agent = new Agent({ name: 'greeter', instructions: 'x', model: makeModel() });
      expect(await execute(new Runner(), agent, 'hi script:plain', streamed)).toBe('Hello.');
      const { record, metric } = await onlyRecord();
      expect(metric).toMatchObject({
        providerType: 'OPENAI_AGENTS_SDK',
        // a streamed Chat Completions span names the configured model, not the one that answered
        extModelId: streamed && kind === 'OpenAIChatCompletionsModel' ? 'gpt-4o' : 'gpt-scripted',
        inputTokenCount: 12,
        outputTokenCount: 3,
        modelInvocationCount: 1,
        ...NO_ERRORS,
      });
      expect(record.name).toBe('greeter');
      expect(metric.tools).toBeUndefined();
    });

    it('tools over two steps: an api tool, a real MCP tool and a tool that fails', async () => {
      server.script('tools', [
        {
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' } },
            { name: 'lookup_order', arguments: { id: '7' } },
            { name: 'explode', arguments: {} },
          ],
          usage: { input: 100, output: 20, cached: 50 },
        },
        { text: 'Sunny; order 7 shipped.', usage: { input: 180, output: 12, cached: 100 } },
      ]);
      const agent = new Agent({
        name: 'assistant',
        instructions: 'use tools',
        model: makeModel(),
        tools: [getWeather, explode],
        mcpServers: [mcp],
      });
      const output = await execute(new Runner(), agent, 'weather and order? script:tools', streamed);
      expect(output).toBe('Sunny; order 7 shipped.');
      const { record, metric } = await onlyRecord();
      expect(metric).toMatchObject({
        inputTokenCount: 280,
        outputTokenCount: 32,
        modelInvocationCount: 2,
        ...NO_ERRORS,
        tools: [
          { toolType: 'api', toolCalls: 2, successCount: 1, failureCount: 1 },
          { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
        ],
      });
      expect(record.summary.usage?.cacheReadTokens).toBe(150);
      expect(record.toolCalls.find((t) => t.name === 'explode')?.outcome).toBe('failure');
    });

    it('a 429 the client retried: 2 model calls (the HTTP attempts, through getCurrentSpan), 1 throttle', async () => {
      server.script('t429', [
        { error: { status: 429, message: 'slow down', retryAfter: 0 } },
        { text: 'ok', usage: { input: 7, output: 2 } },
      ]);
      const agent = new Agent({ name: 'throttled', instructions: 'x', model: makeModel() });
      expect(await execute(new Runner(), agent, 'hi script:t429', streamed)).toBe('ok');
      const { record, metric } = await onlyRecord();
      expect(metric).toMatchObject({
        inputTokenCount: 7,
        outputTokenCount: 2,
        modelInvocationCount: 2,
        ...NO_ERRORS,
        modelInvocationThrottles: 1,
      });
      expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
        [1, 'error', 429],
        [2, 'success', undefined],
      ]);
    });

    it('5xx until the client gives up: 3 model calls, 3 server errors, the run failed once', async () => {
      server.script('t500', [
        { error: { status: 500, message: 'boom', retryAfter: 0 } },
        { error: { status: 502, message: 'boom', retryAfter: 0 } },
        { error: { status: 503, message: 'boom', retryAfter: 0 } },
      ]);
      const agent = new Agent({ name: 'down', instructions: 'x', model: makeModel() });
      const error = await execute(new Runner(), agent, 'hi script:t500', streamed).catch((e: unknown) => e);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
      const { record, metric } = await onlyRecord();
      expect(record.outcome).toBe('error');
      expect(metric).toMatchObject({ modelInvocationCount: 3, ...NO_ERRORS, modelInvocationServerErrors: 3 });
      expect(record.modelCalls.map((c) => [c.attempt, c.status])).toEqual([
        [1, 500],
        [2, 502],
        [3, 503],
      ]);
      expect(record.errors).toEqual([]);
    });
  });
});

describe('MetricsTracingProcessor', () => {
  it('without sensitive data in traces, takes each call’s usage from its turn span', async () => {
    server.script('redacted', [
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
        usage: { input: 30, output: 4, cached: 8 },
      },
      { text: 'warm', usage: { input: 41, output: 5 } },
    ]);
    const runner = new Runner({ traceIncludeSensitiveData: false });
    const agent = new Agent({ name: 'quiet', instructions: 'x', model: kinds[0][1](), tools: [getWeather] });
    expect(await execute(runner, agent, 'hi script:redacted', false)).toBe('warm');
    const { record, metric } = await onlyRecord();
    expect(metric).toMatchObject({
      inputTokenCount: 71,
      outputTokenCount: 9,
      modelInvocationCount: 2,
      ...NO_ERRORS,
    });
    expect(record.modelCalls.map((c) => c.usage?.inputTokens)).toEqual([30, 41]);
    expect(record.summary.usage?.cacheReadTokens).toBe(8);
  });

  it('20 concurrent runs (both models, half streamed): each record exact', async () => {
    const count = 20;
    for (let i = 0; i < count; i++)
      server.script(`c${i}`, [
        ...(i % 3 === 1 ? [{ error: { status: 429, retryAfter: 0 } }] : []),
        {
          toolCalls: [{ name: 'get_weather', arguments: { city: `${i}` } }],
          usage: { input: 10 + i, output: 1 + i },
        },
        { text: `done ${i}`, usage: { input: 100 + i, output: 2 * i + 1 }, firstChunkDelayMs: i % 5 },
      ]);
    const runner = new Runner();
    const outputs = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const agent = new Agent({
          name: `agent-${i}`,
          instructions: 'x',
          model: kinds[i % 2]![1](),
          tools: [getWeather],
        });
        return execute(runner, agent, `go script:c${i}`, Math.floor(i / 2) % 2 === 1);
      }),
    );
    expect(outputs).toEqual(Array.from({ length: count }, (_, i) => `done ${i}`));
    const records = await memory.waitFor(count);
    expect(records).toHaveLength(count);
    const byName = new Map(records.map((r) => [r.name!, r]));
    for (let i = 0; i < count; i++) {
      const throttles = i % 3 === 1 ? 1 : 0;
      expect(toResourceMetric(byName.get(`agent-${i}`)!, { accountId: ACCOUNT }), `run ${i}`).toMatchObject({
        inputTokenCount: 110 + 2 * i,
        outputTokenCount: 3 * i + 2,
        modelInvocationCount: 2 + throttles,
        ...NO_ERRORS,
        modelInvocationThrottles: throttles,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
    }
  });

  it('with instrumentRunner on the same runner too, each run is recorded once (by the runner)', async () => {
    server.script('both', [{ text: 'once', usage: { input: 6, output: 1 } }]);
    const runnerMemory = new InMemoryExporter();
    const runner = new Runner();
    const instrumentation = instrumentRunner(runner, { exporters: [runnerMemory], logger: false });
    const agent = new Agent({ name: 'both', instructions: 'x', model: kinds[1][1]() });
    expect(await execute(runner, agent, 'hi script:both', false)).toBe('once');
    expect(await runnerMemory.waitFor(1)).toHaveLength(1);
    instrumentation.uninstrument();
    expect(runnerMemory.records[0]!.summary).toMatchObject({ modelCalls: 1, usage: { inputTokens: 6 } });
    await processor.forceFlush();
    expect(memory.records).toHaveLength(0);
  });

  it('never breaks the run when an exporter throws', async () => {
    server.script('throws', [{ text: 'fine', usage: { input: 2, output: 1 } }]);
    const after = new InMemoryExporter();
    const throwing = new MetricsTracingProcessor({
      exporters: [
        {
          export: () => {
            throw new Error('exporter down');
          },
        },
        after,
      ],
      logger: false,
    });
    // the last test: afterAll's setTraceProcessors([]) shuts both processors down
    addTraceProcessor(throwing);
    const agent = new Agent({ name: 'robust', instructions: 'x', model: kinds[0][1]() });
    expect(await execute(new Runner(), agent, 'hi script:throws', false)).toBe('fine');
    const [record] = await after.waitFor(1);
    expect(record!.summary).toMatchObject({ modelCalls: 1, usage: { inputTokens: 2, outputTokens: 1 } });
    expect((await memory.waitFor(1))[0]!.summary.modelCalls).toBe(1);
  });
});
