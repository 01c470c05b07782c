import { toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import {
  Agent,
  InputGuardrailTripwireTriggered,
  MaxTurnsExceededError,
  Runner,
  tool,
  Usage,
} from '@openai/agents';
import { assistantMessage, functionCall, modelError, ScriptedModel } from '@openai/agents/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createMeteredRun, instrumentRunner } from './index.js';

const ACCOUNT = '00000000-0000-4000-8000-000000000000';

function usage(input: number, output: number, cached = 0, reasoning = 0): Usage {
  return new Usage({
    requests: 1,
    inputTokens: input,
    outputTokens: output,
    totalTokens: input + output,
    inputTokensDetails: { cached_tokens: cached },
    outputTokensDetails: { reasoning_tokens: reasoning },
  });
}

const add = tool({
  name: 'add',
  description: 'adds',
  parameters: z.object({ a: z.number(), b: z.number() }),
  execute: async ({ a, b }) => String(a + b),
});
const boom = tool({
  name: 'boom',
  description: 'throws',
  parameters: z.object({}),
  execute: async () => {
    throw new Error('tool exploded');
  },
});
const custom = tool({
  name: 'custom',
  description: 'throws, custom error text',
  parameters: z.object({}),
  execute: async () => {
    throw new Error('tool exploded');
  },
  errorFunction: () => 'please retry later',
});

function setup() {
  const memory = new InMemoryExporter();
  const runner = new Runner();
  const instrumentation = instrumentRunner(runner, { exporters: [memory], logger: false });
  return { memory, runner, instrumentation };
}

describe('instrumentRunner with the scripted test model', () => {
  it('records a tool loop: calls, usage with cache and reasoning tokens, tools and failed tools', async () => {
    const { memory, runner } = setup();
    const model = new ScriptedModel([
      {
        output: [
          functionCall('add', { a: 1, b: 2 }, { callId: 'c1' }),
          functionCall('boom', {}, { callId: 'c2' }),
          functionCall('custom', {}, { callId: 'c3' }),
        ],
        usage: usage(100, 20, 40, 5),
      },
      { output: [assistantMessage('3')], usage: usage(150, 10, 60, 2) },
    ]);
    const agent = new Agent({ name: 'calc', instructions: 'x', model, tools: [add, boom, custom] });
    const result = await runner.run(agent, 'what is 1 + 2?');
    expect(result.finalOutput).toBe('3');
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.providerType).toBe('OPENAI_AGENTS_SDK');
    expect(record.name).toBe('calc');
    expect(record.summary.usage).toMatchObject({
      inputTokens: 250,
      outputTokens: 30,
      cacheReadTokens: 100,
      reasoningTokens: 7,
    });
    expect(record.modelCalls.map((c) => c.streamed)).toEqual([false, false]);
    const outcomes = Object.fromEntries(record.toolCalls.map((t) => [t.name, t.outcome]));
    expect(outcomes).toEqual({ add: 'success', boom: 'failure', custom: 'failure' });
    const metric = toResourceMetric(record, { accountId: ACCOUNT });
    expect(metric).toMatchObject({
      providerType: 'OPENAI_AGENTS_SDK',
      inputTokenCount: 250,
      outputTokenCount: 30,
      modelInvocationCount: 2,
      ttft: 0,
      guardrailHits: 0,
      tools: [{ toolType: 'api', toolCalls: 3, successCount: 1, failureCount: 2 }],
    });
    expect(metric.modelLatency).toBeLessThanOrEqual(metric.totalTime!);
  });

  it('records a streamed run with ttft', async () => {
    const { memory, runner } = setup();
    const model = new ScriptedModel([{ output: [assistantMessage('hello world')], usage: usage(7, 2) }]);
    const agent = new Agent({ name: 's', instructions: 'x', model });
    const result = await runner.run(agent, 'hi', { stream: true });
    for await (const _ of result) {
      // drain
    }
    await result.completed;
    await memory.waitFor(1);
    const record = memory.records[0]!;
    expect(record.modelCalls).toHaveLength(1);
    expect(record.modelCalls[0]!.streamed).toBe(true);
    expect(record.summary.ttftMs).toBeGreaterThan(0);
    expect(record.summary.usage).toMatchObject({ inputTokens: 7, outputTokens: 2 });
  });

  it('rolls a handoff target in as a member run', async () => {
    const { memory, runner } = setup();
    const billing = new Agent({
      name: 'billing',
      instructions: 'x',
      model: new ScriptedModel([{ output: [assistantMessage('refunded')], usage: usage(30, 4) }]),
    });
    const triage = new Agent({
      name: 'triage',
      instructions: 'x',
      handoffs: [billing],
      model: new ScriptedModel([
        { output: [functionCall('transfer_to_billing', {}, { callId: 'h1' })], usage: usage(20, 3) },
      ]),
    });
    const result = await runner.run(triage, 'refund me');
    expect(result.finalOutput).toBe('refunded');
    expect(memory.records).toHaveLength(1);
    const record = memory.records[0]!;
    expect(record.modelCalls).toHaveLength(1);
    expect(record.members).toHaveLength(1);
    expect(record.members[0]).toMatchObject({ memberKind: 'handoff', name: 'billing' });
    expect(record.members[0]!.modelCalls).toHaveLength(1);
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 50, outputTokens: 7 });
  });

  it('counts an input guardrail tripwire as a guardrail hit, not an error, and rethrows it untouched', async () => {
    const { memory, runner } = setup();
    const agent = new Agent({
      name: 'guarded',
      instructions: 'x',
      model: new ScriptedModel([{ output: [assistantMessage('never')], usage: usage(5, 1) }]),
      inputGuardrails: [
        {
          name: 'no-secrets',
          runInParallel: false,
          execute: async () => ({ outputInfo: 'blocked', tripwireTriggered: true }),
        },
      ],
    });
    const error = await runner.run(agent, 'tell me the password').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputGuardrailTripwireTriggered);
    const record = memory.records[0]!;
    expect(record.outcome).toBe('error');
    const metric = toResourceMetric(record, { accountId: ACCOUNT });
    expect(metric.guardrailHits).toBe(1);
    expect(metric.modelInvocationCount).toBe(0);
    expect(metric.modelInvocationUnknownErrors).toBe(0);
    expect(record.guardrailTrips[0]).toMatchObject({ name: 'no-secrets', kind: 'input' });
  });

  it('records a model error and MaxTurnsExceededError with the usage accumulated until then', async () => {
    const { memory, runner } = setup();
    const throttled = Object.assign(new Error('rate limited'), { status: 429 });
    const agent = new Agent({
      name: 'e',
      instructions: 'x',
      model: new ScriptedModel([modelError(throttled)]),
    });
    await expect(runner.run(agent, 'hi')).rejects.toBe(throttled);
    const looping = new Agent({
      name: 'loop',
      instructions: 'x',
      tools: [add],
      model: new ScriptedModel([
        { output: [functionCall('add', { a: 1, b: 1 }, { callId: 'a' })], usage: usage(10, 1) },
        { output: [functionCall('add', { a: 1, b: 1 }, { callId: 'b' })], usage: usage(11, 1) },
      ]),
    });
    await expect(runner.run(looping, 'hi', { maxTurns: 2 })).rejects.toBeInstanceOf(MaxTurnsExceededError);
    const [first, second] = memory.records;
    expect(toResourceMetric(first!, { accountId: ACCOUNT })).toMatchObject({
      modelInvocationCount: 1,
      modelInvocationThrottles: 1,
      inputTokenCount: 0,
    });
    expect(toResourceMetric(second!, { accountId: ACCOUNT })).toMatchObject({
      modelInvocationCount: 2,
      inputTokenCount: 21,
      outputTokenCount: 2,
      tools: [{ toolType: 'api', toolCalls: 2, successCount: 2, failureCount: 0 }],
    });
    expect(second!.outcome).toBe('error');
  });

  it('never breaks the run when an exporter throws', async () => {
    const runner = new Runner();
    const seen: string[] = [];
    instrumentRunner(runner, {
      exporters: [
        {
          export() {
            throw new Error('exporter down');
          },
        },
      ],
      diagnostics: (event) => seen.push(event.type),
      logger: false,
    });
    const agent = new Agent({
      name: 'a',
      instructions: 'x',
      model: new ScriptedModel([{ output: [assistantMessage('fine')], usage: usage(1, 1) }]),
    });
    const result = await runner.run(agent, 'hi');
    expect(result.finalOutput).toBe('fine');
    expect(seen).toContain('adapter.error');
  });

  it('createMeteredRun has the signature of run()', async () => {
    const memory = new InMemoryExporter();
    const run = createMeteredRun({ exporters: [memory], logger: false });
    const agent = new Agent({
      name: 'a',
      instructions: 'x',
      model: new ScriptedModel([{ output: [assistantMessage('ok')], usage: usage(3, 1) }]),
    });
    const result = await run(agent, 'hi');
    expect(result.finalOutput).toBe('ok');
    expect(memory.records[0]!.summary.modelCalls).toBe(1);
  });
});
