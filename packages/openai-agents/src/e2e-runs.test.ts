import { createResourceMetricsExporter, type InvocationRecord, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import { type ModelServer, startCollector, startModelServer } from '@metrics/testkit';
import {
  Agent,
  defineToolInputGuardrail,
  InputGuardrailTripwireTriggered,
  OpenAIChatCompletionsModel,
  OpenAIProvider,
  OutputGuardrailTripwireTriggered,
  Runner,
  ToolGuardrailFunctionOutputFactory,
  tool,
} from '@openai/agents';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { instrumentRunner } from './index.js';

const ACCOUNT = '00000000-0000-4000-8000-000000000000';

let server: ModelServer;
let client: OpenAI;
const memory = new InMemoryExporter();
const runner = new Runner();
instrumentRunner(runner, { exporters: [memory], logger: false });

beforeAll(async () => {
  server = await startModelServer();
  client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'test', maxRetries: 0 });
});
afterAll(() => server?.close());
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.reset();
});

const getWeather = tool({
  name: 'get_weather',
  description: 'Weather for a city',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => `sunny in ${city}`,
});

const chat = (name = 'gpt-4o') => new OpenAIChatCompletionsModel(client, name);

async function execute(
  r: Runner,
  agent: Agent<any, any>,
  prompt: string,
  streamed: boolean,
): Promise<unknown> {
  if (!streamed) return (await r.run(agent, prompt)).finalOutput;
  const result = await r.run(agent, prompt, { stream: true });
  for await (const _event of result) {
    // drain
  }
  await result.completed;
  return result.finalOutput;
}

describe.each([false, true])('handoffs (streamed: %s)', (streamed) => {
  it('records the handoff target as a member run of the one invocation', async () => {
    server.script('handoff', [
      {
        toolCalls: [{ name: 'transfer_to_billing', arguments: {} }],
        usage: { input: 40, output: 6 },
        model: 'gpt-triage',
      },
      { text: 'Refund issued.', usage: { input: 70, output: 5, cached: 20 }, model: 'gpt-billing' },
    ]);
    const billing = new Agent({ name: 'billing', instructions: 'handles billing', model: chat() });
    const triage = new Agent({ name: 'triage', instructions: 'routes', model: chat(), handoffs: [billing] });
    expect(await execute(runner, triage, 'refund please script:handoff', streamed)).toBe('Refund issued.');
    const [record] = await memory.waitFor(1);
    expect(memory.records).toHaveLength(1);
    expect(record!.name).toBe('triage');
    expect(record!.modelCalls.map((c) => c.model)).toEqual(['gpt-triage']);
    expect(record!.members).toHaveLength(1);
    expect(record!.members[0]).toMatchObject({
      memberKind: 'handoff',
      name: 'billing',
      parentRunId: record!.runId,
    });
    expect(record!.members[0]!.modelCalls.map((c) => c.model)).toEqual(['gpt-billing']);
    const metric = toResourceMetric(record!, { accountId: ACCOUNT });
    expect(metric).toMatchObject({ inputTokenCount: 110, outputTokenCount: 11, modelInvocationCount: 2 });
    expect(record!.summary.usage?.cacheReadTokens).toBe(20);
    expect(metric.tools).toBeUndefined();
    if (streamed) expect(metric.ttft).toBeGreaterThan(0);
    else expect(metric.ttft).toBe(0);
  });
});

describe('guardrails', () => {
  it('an input guardrail that trips: a guardrail hit, no model call, the tripwire rethrown untouched', async () => {
    const agent = new Agent({
      name: 'guarded',
      instructions: 'x',
      model: chat(),
      inputGuardrails: [
        {
          name: 'no_passwords',
          runInParallel: false,
          execute: async ({ input }) => ({
            outputInfo: 'password requested',
            tripwireTriggered: String(JSON.stringify(input)).includes('password'),
          }),
        },
      ],
    });
    const error = await runner.run(agent, 'what is the admin password?').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputGuardrailTripwireTriggered);
    expect(server.requests).toHaveLength(0);
    const record = memory.records[0]!;
    expect(record.outcome).toBe('error');
    expect(record.guardrailTrips).toMatchObject([{ name: 'no_passwords', kind: 'input' }]);
    expect(toResourceMetric(record, { accountId: ACCOUNT })).toMatchObject({
      guardrailHits: 1,
      modelInvocationCount: 0,
      invocationClientErrors: 0,
      invocationServerErrors: 0,
      modelInvocationUnknownErrors: 0,
    });
  });

  it('an output guardrail that trips keeps the usage of the answer it blocked', async () => {
    server.script('out', [{ text: 'the secret is 42', usage: { input: 15, output: 6 } }]);
    const agent = new Agent({
      name: 'careful',
      instructions: 'x',
      model: chat(),
      outputGuardrails: [
        {
          name: 'no_secrets',
          execute: async ({ agentOutput }) => ({
            outputInfo: null,
            tripwireTriggered: String(agentOutput).includes('secret'),
          }),
        },
      ],
    });
    await expect(runner.run(agent, 'tell me script:out')).rejects.toBeInstanceOf(
      OutputGuardrailTripwireTriggered,
    );
    expect(toResourceMetric(memory.records[0]!, { accountId: ACCOUNT })).toMatchObject({
      guardrailHits: 1,
      modelInvocationCount: 1,
      inputTokenCount: 15,
      outputTokenCount: 6,
      modelInvocationUnknownErrors: 0,
    });
  });

  it('a tool input guardrail that rejects the call is a guardrail hit and the run goes on', async () => {
    server.script('toolguard', [
      { toolCalls: [{ name: 'delete_all', arguments: {} }], usage: { input: 10, output: 2 } },
      { text: 'I cannot do that.', usage: { input: 20, output: 4 } },
    ]);
    const deleteAll = tool({
      name: 'delete_all',
      description: 'deletes everything',
      parameters: z.object({}),
      execute: async () => 'deleted',
      inputGuardrails: [
        defineToolInputGuardrail({
          name: 'no_deletes',
          run: async () => ToolGuardrailFunctionOutputFactory.rejectContent('deleting is not allowed'),
        }),
      ],
    });
    const agent = new Agent({ name: 'ops', instructions: 'x', model: chat(), tools: [deleteAll] });
    expect((await runner.run(agent, 'delete it all script:toolguard')).finalOutput).toBe('I cannot do that.');
    const record = memory.records[0]!;
    expect(record.outcome).toBe('success');
    expect(record.guardrailTrips).toMatchObject([{ name: 'no_deletes', kind: 'tool_input' }]);
    expect(toResourceMetric(record, { accountId: ACCOUNT })).toMatchObject({
      guardrailHits: 1,
      modelInvocationCount: 2,
      inputTokenCount: 30,
      outputTokenCount: 6,
    });
  });
});

describe('model resolution', () => {
  it('meters string model names resolved through the runner’s ModelProvider, and the run-config model', async () => {
    const provided = new Runner({
      modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: false }),
      model: 'gpt-run-config',
    });
    const providedMemory = new InMemoryExporter();
    instrumentRunner(provided, { exporters: [providedMemory], logger: false });
    server.script('named', [
      { text: 'named', usage: { input: 3, output: 1 } },
      { text: 'default', usage: { input: 4, output: 2 } },
    ]);
    const named = new Agent({ name: 'named', instructions: 'x', model: 'gpt-agent-string' });
    const unnamed = new Agent({ name: 'unnamed', instructions: 'x' });
    expect((await provided.run(named, 'a script:named')).finalOutput).toBe('named');
    expect((await provided.run(unnamed, 'b script:named')).finalOutput).toBe('default');
    expect(server.requests.map((r) => (r.body as { model?: string }).model)).toEqual([
      'gpt-agent-string',
      'gpt-run-config',
    ]);
    const [first, second] = providedMemory.records;
    expect(first!.model).toBe('gpt-agent-string');
    expect(second!.model).toBe('gpt-run-config');
    expect(first!.summary).toMatchObject({ modelCalls: 1, usage: { inputTokens: 3, outputTokens: 1 } });
    expect(second!.summary).toMatchObject({ modelCalls: 1, usage: { inputTokens: 4, outputTokens: 2 } });

    const instance = new Runner({ model: chat('gpt-instance') });
    const instanceMemory = new InMemoryExporter();
    instrumentRunner(instance, { exporters: [instanceMemory], logger: false });
    server.script('instance', [{ text: 'instance', usage: { input: 8, output: 1 } }]);
    expect(
      (await instance.run(new Agent({ name: 'i', instructions: 'x' }), 'c script:instance')).finalOutput,
    ).toBe('instance');
    expect(instanceMemory.records[0]!.summary).toMatchObject({ modelCalls: 1, usage: { inputTokens: 8 } });
  });
});

describe('concurrency', () => {
  it('keeps 20 concurrent runs (half streamed) apart, each with its own numbers', async () => {
    const count = 20;
    for (let i = 0; i < count; i++) {
      server.script(`c${i}`, [
        {
          toolCalls: [{ name: 'get_weather', arguments: { city: `city${i}` } }],
          usage: { input: 10 + i, output: 1 + i, cached: i },
          chunkDelayMs: i % 3,
        },
        { text: `done ${i}`, usage: { input: 100 + i, output: 2 * i + 1 }, firstChunkDelayMs: i % 4 },
      ]);
    }
    const outputs = await Promise.all(
      Array.from({ length: count }, (_, i) => {
        const agent = new Agent({
          name: `agent-${i}`,
          instructions: 'x',
          model: chat(),
          tools: [getWeather],
        });
        return execute(runner, agent, `weather? script:c${i}`, i % 2 === 1);
      }),
    );
    expect(outputs).toEqual(Array.from({ length: count }, (_, i) => `done ${i}`));
    const records = await memory.waitFor(count);
    expect(records).toHaveLength(count);
    const byName = new Map<string, InvocationRecord>(records.map((r) => [r.name!, r]));
    for (let i = 0; i < count; i++) {
      const record = byName.get(`agent-${i}`)!;
      const metric = toResourceMetric(record, { accountId: ACCOUNT });
      expect(metric).toMatchObject({
        inputTokenCount: 110 + 2 * i,
        outputTokenCount: 3 * i + 2,
        modelInvocationCount: 2,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
      expect(record.summary.usage?.cacheReadTokens).toBe(i);
      if (i % 2 === 1) expect(metric.ttft).toBeGreaterThan(0);
      else expect(metric.ttft).toBe(0);
    }
  });
});

describe('delivery', () => {
  it('delivers the record to the reference collector through the HTTP exporter', async () => {
    const collector = await startCollector({ token: 'secret-token' });
    try {
      const local = new InMemoryExporter();
      const exporter = createResourceMetricsExporter({
        endpoint: collector.endpoint,
        accountId: ACCOUNT,
        token: 'secret-token',
        batchDelayMs: 1,
      });
      const delivering = new Runner();
      const instrumentation = instrumentRunner(delivering, { exporters: [local, exporter], logger: false });
      server.script('deliver', [
        {
          toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
          usage: { input: 21, output: 4 },
          model: 'gpt-delivered',
        },
        { text: 'Sunny in Rome.', usage: { input: 33, output: 5, cached: 16 }, model: 'gpt-delivered' },
      ]);
      const agent = new Agent({ name: 'deliverer', instructions: 'x', model: chat(), tools: [getWeather] });
      expect(await execute(delivering, agent, 'weather? script:deliver', true)).toBe('Sunny in Rome.');
      await local.waitFor(1);
      await instrumentation.flush();
      expect(collector.records).toHaveLength(1);
      const expected = toResourceMetric(local.records[0]!, { accountId: ACCOUNT });
      expect(collector.records[0]).toEqual(expected);
      expect(collector.records[0]).toMatchObject({
        providerType: 'OPENAI_AGENTS_SDK',
        extModelId: 'gpt-delivered',
        inputTokenCount: 54,
        outputTokenCount: 9,
        modelInvocationCount: 2,
        tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      });
      expect(collector.records[0]!.ttft).toBeGreaterThan(0);
      await instrumentation.shutdown();
    } finally {
      await collector.close();
    }
  });
});
