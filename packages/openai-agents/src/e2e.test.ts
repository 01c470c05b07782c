import { type InvocationRecord, type ResourceMetric, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import {
  Agent,
  type MCPServerStdio,
  type Model,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  retryPolicies,
  Runner,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { instrumentRunner } from './index.js';
import { explode, getWeather, NO_ERRORS, startMcpServer } from './test-support.js';

const ACCOUNT = '00000000-0000-4000-8000-000000000000';

let server: ModelServer;
let client: OpenAI;
let mcp: MCPServerStdio;
const memory = new InMemoryExporter();
const runner = new Runner();
instrumentRunner(runner, { exporters: [memory], logger: false });

beforeAll(async () => {
  server = await startModelServer();
  // maxRetries: 0 (the old workaround) keeps one HTTP attempt per runner attempt; the client at its
  // defaults is tested in default-client.test.ts
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test', maxRetries: 0 });
  mcp = await startMcpServer();
});
afterAll(async () => {
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

/** Runs to the end like a user would: awaits the result, or drains the stream and awaits `completed`. */
async function execute(agent: Agent<any, any>, prompt: string, streamed: boolean): Promise<unknown> {
  if (!streamed) return (await runner.run(agent, prompt)).finalOutput;
  const result = await runner.run(agent, prompt, { stream: true });
  for await (const _event of result) {
    // drain
  }
  await result.completed;
  return result.finalOutput;
}

async function onlyRecord(): Promise<InvocationRecord> {
  const [record] = await memory.waitFor(1);
  expect(memory.records).toHaveLength(1);
  return record!;
}

function checkTiming(metric: ResourceMetric, streamed: boolean): void {
  if (streamed) expect(metric.ttft).toBeGreaterThan(0);
  else expect(metric.ttft).toBe(0);
  expect(metric.modelLatency).toBeGreaterThan(0);
  expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime!);
}

describe.each(kinds)('%s against the model server', (_kind, makeModel: () => Model) => {
  describe.each([false, true])('streamed: %s', (streamed) => {
    it('records a plain answer', async () => {
      server.script('plain', [
        { text: 'Hello there.', usage: { input: 12, output: 3 }, model: 'gpt-scripted' },
      ]);
      const agent = new Agent({ name: 'greeter', instructions: 'be brief', model: makeModel() });
      expect(await execute(agent, 'hi script:plain', streamed)).toBe('Hello there.');
      const record = await onlyRecord();
      const metric = toResourceMetric(record, { accountId: ACCOUNT });
      expect(metric).toMatchObject({
        providerType: 'OPENAI_AGENTS_SDK',
        extModelId: 'gpt-scripted',
        inputTokenCount: 12,
        outputTokenCount: 3,
        modelInvocationCount: 1,
        ...NO_ERRORS,
      });
      expect(metric.tools).toBeUndefined();
      expect(record.modelCalls[0]).toMatchObject({ streamed, outcome: 'success', model: 'gpt-scripted' });
      expect(record.summary.usage?.cacheReadTokens).toBe(0);
      checkTiming(metric, streamed);
    });

    it('records a tool loop with an api tool, an MCP tool and a tool that throws, with cached and reasoning tokens', async () => {
      server.script('tools', [
        {
          toolCalls: [
            { name: 'get_weather', arguments: { city: 'Paris' } },
            { name: 'lookup_order', arguments: { id: '7' } },
            { name: 'explode', arguments: {} },
          ],
          usage: { input: 100, output: 20, cached: 50, reasoning: 5 },
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
      expect(await execute(agent, 'weather and order? script:tools', streamed)).toBe(
        'Sunny; order 7 shipped.',
      );
      const record = await onlyRecord();
      const metric = toResourceMetric(record, { accountId: ACCOUNT });
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
      expect(record.summary.usage).toMatchObject({ cacheReadTokens: 150, reasoningTokens: 5 });
      expect(record.toolCalls.find((t) => t.name === 'explode')?.outcome).toBe('failure');
      checkTiming(metric, streamed);
      // tool time is outside model latency
      const toolSpan = record.toolCalls.find((t) => t.name === 'lookup_order')!;
      for (const call of record.modelCalls)
        expect(call.endedAt <= toolSpan.startedAt || call.startedAt >= toolSpan.endedAt).toBe(true);
    });

    it('counts a 429 that the runner retried as a throttle, then the success', async () => {
      server.script('retry', [
        { error: { status: 429, message: 'slow down' } },
        { text: 'ok', usage: { input: 5, output: 2 } },
      ]);
      const agent = new Agent({
        name: 'retrying',
        instructions: 'x',
        model: makeModel(),
        modelSettings: {
          retry: {
            maxRetries: 1,
            policy: retryPolicies.httpStatus([429]),
            backoff: { initialDelayMs: 1, jitter: false },
          },
        },
      });
      expect(await execute(agent, 'hi script:retry', streamed)).toBe('ok');
      const record = await onlyRecord();
      const metric = toResourceMetric(record, { accountId: ACCOUNT });
      expect(metric).toMatchObject({
        inputTokenCount: 5,
        outputTokenCount: 2,
        modelInvocationCount: 2,
        ...NO_ERRORS,
        modelInvocationThrottles: 1,
      });
      expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
        [1, 'error', 429],
        [2, 'success', undefined],
      ]);
      expect(record.outcome).toBe('success');
    });

    it('records a 500 that fails the run once, and rethrows the provider error untouched', async () => {
      server.script('fail', [
        {
          text: 'calling',
          toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
          usage: { input: 9, output: 4 },
        },
        { error: { status: 500, message: 'upstream exploded' } },
      ]);
      const agent = new Agent({
        name: 'failing',
        instructions: 'x',
        model: makeModel(),
        tools: [getWeather],
      });
      const error = await execute(agent, 'hi script:fail', streamed).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(500);
      const record = await onlyRecord();
      expect(record.outcome).toBe('error');
      const metric = toResourceMetric(record, { accountId: ACCOUNT });
      expect(metric).toMatchObject({
        inputTokenCount: 9,
        outputTokenCount: 4,
        modelInvocationCount: 2,
        ...NO_ERRORS,
        modelInvocationServerErrors: 1,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
    });
  });
});
