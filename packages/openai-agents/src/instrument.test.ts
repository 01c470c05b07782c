import { type DiagnosticEvent, Metrics, toResourceMetric } from '@metrics/core';
import { InMemoryExporter } from '@metrics/core/testing';
import {
  Agent,
  defineToolInputGuardrail,
  InputGuardrailTripwireTriggered,
  MaxTurnsExceededError,
  Runner,
  ToolGuardrailFunctionOutputFactory,
  ToolCallError,
  ToolInputGuardrailTripwireTriggered,
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
  const diagnostics: DiagnosticEvent[] = [];
  const instrumentation = instrumentRunner(runner, {
    exporters: [memory],
    logger: false,
    diagnostics: (event) => diagnostics.push(event),
  });
  return { memory, runner, instrumentation, diagnostics };
}

describe('instrumentRunner with the scripted test model', () => {
  it('records a tool loop: calls, usage with cache and reasoning tokens, tools and failed tools', async () => {
    const { memory, runner, diagnostics } = setup();
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
    // the model calls' usage agrees with the run's own Usage, and nothing went wrong inside
    expect(diagnostics).toEqual([]);
  });

  it('with RunConfig.tracingDisabled (no function span), still recognises the default tool error text', async () => {
    const memory = new InMemoryExporter();
    const runner = new Runner({ tracingDisabled: true });
    instrumentRunner(runner, { exporters: [memory], logger: false });
    const model = new ScriptedModel([
      {
        output: [
          functionCall('add', { a: 1, b: 1 }, { callId: 'a' }),
          functionCall('boom', {}, { callId: 'b' }),
        ],
        usage: usage(3, 1),
      },
      { output: [assistantMessage('2')], usage: usage(4, 1) },
    ]);
    const agent = new Agent({ name: 'untraced', instructions: 'x', model, tools: [add, boom] });
    expect((await runner.run(agent, 'hi')).finalOutput).toBe('2');
    const outcomes = Object.fromEntries(memory.records[0]!.toolCalls.map((t) => [t.name, t.outcome]));
    expect(outcomes).toEqual({ add: 'success', boom: 'failure' });
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

  it('never breaks the run when the adapter itself fails, and reports it', async () => {
    class BrokenMetrics extends Metrics {
      override startInvocation(): never {
        throw new Error('recorder broken');
      }
    }
    const seen: DiagnosticEvent[] = [];
    const runner = new Runner();
    instrumentRunner(runner, new BrokenMetrics({ diagnostics: (event) => seen.push(event), logger: false }));
    const agent = new Agent({
      name: 'a',
      instructions: 'x',
      tools: [add],
      model: new ScriptedModel([
        { output: [functionCall('add', { a: 2, b: 2 }, { callId: 'x' })], usage: usage(1, 1) },
        { output: [assistantMessage('4')], usage: usage(1, 1) },
      ]),
    });
    expect((await runner.run(agent, 'hi')).finalOutput).toBe('4');
    expect(seen.map((event) => [event.type, event.source])).toEqual([
      ['adapter.error', '@metrics/openai-agents'],
    ]);
  });

  it('says so when the run used a model it could not reach (an agent used as a tool)', async () => {
    const { memory, runner, diagnostics } = setup();
    const translator = new Agent({
      name: 'translator',
      instructions: 'x',
      model: new ScriptedModel([{ output: [assistantMessage('bonjour')], usage: usage(9, 2) }]),
    });
    const agent = new Agent({
      name: 'lead',
      instructions: 'x',
      tools: [translator.asTool({ toolName: 'translate', toolDescription: 'translates' })],
      model: new ScriptedModel([
        { output: [functionCall('translate', { input: 'hello' }, { callId: 't' })], usage: usage(5, 1) },
        { output: [assistantMessage('bonjour')], usage: usage(6, 1) },
      ]),
    });
    expect((await runner.run(agent, 'translate hello')).finalOutput).toBe('bonjour');
    const record = memory.records[0]!;
    expect(record.summary).toMatchObject({ modelCalls: 2, usage: { inputTokens: 11, outputTokens: 2 } });
    expect(record.toolCalls).toMatchObject([{ name: 'translate', outcome: 'success' }]);
    expect(diagnostics.map((event) => event.type)).toEqual(['usage.mismatch']);
  });

  it('counts a tool guardrail that throws once, as a guardrail hit, with the usage until then', async () => {
    const { memory, runner } = setup();
    const guarded = tool({
      name: 'wire_money',
      description: 'wires money',
      parameters: z.object({ amount: z.number() }),
      execute: async () => 'sent',
      inputGuardrails: [
        defineToolInputGuardrail({
          name: 'amount_limit',
          run: async () => ToolGuardrailFunctionOutputFactory.throwException({ reason: 'too much' }),
        }),
      ],
    });
    const agent = new Agent({
      name: 'bank',
      instructions: 'x',
      tools: [guarded],
      model: new ScriptedModel([
        { output: [functionCall('wire_money', { amount: 1e9 }, { callId: 'w' })], usage: usage(12, 3) },
      ]),
    });
    // the SDK wraps the tripwire in a ToolCallError; the caller gets exactly what the SDK threw
    const error = await runner.run(agent, 'send it all').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ToolCallError);
    expect((error as ToolCallError).error).toBeInstanceOf(ToolInputGuardrailTripwireTriggered);
    const record = memory.records[0]!;
    expect(record.guardrailTrips).toMatchObject([{ name: 'amount_limit', kind: 'tool_input' }]);
    expect(toResourceMetric(record, { accountId: ACCOUNT })).toMatchObject({
      guardrailHits: 1,
      modelInvocationCount: 1,
      inputTokenCount: 12,
      outputTokenCount: 3,
      modelInvocationUnknownErrors: 0,
    });
  });

  it('instrumenting a runner twice keeps one instrumentation (one record per run)', async () => {
    const { memory, runner, instrumentation } = setup();
    expect(instrumentRunner(runner, { exporters: [memory] })).toBe(instrumentation);
    const agent = new Agent({
      name: 'once',
      instructions: 'x',
      model: new ScriptedModel([{ output: [assistantMessage('ok')], usage: usage(2, 1) }]),
    });
    await runner.run(agent, 'hi');
    expect(memory.records).toHaveLength(1);
    expect(memory.records[0]!.summary.modelCalls).toBe(1);
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

describe('usage the provider did not report', () => {
  it('is undefined in the record (0 in the payload), not a reported zero', async () => {
    const memory = new InMemoryExporter();
    const runner = new Runner();
    instrumentRunner(runner, { exporters: [memory], logger: false });
    // what OpenAIChatCompletionsModel returns for a completion without `usage`
    const model = {
      async getResponse() {
        return {
          usage: new Usage({ requests: 1 }),
          output: [
            {
              type: 'message' as const,
              role: 'assistant' as const,
              status: 'completed' as const,
              content: [{ type: 'output_text' as const, text: 'no usage here' }],
            },
          ],
          providerData: { id: 'chatcmpl-1', model: 'gpt-no-usage', choices: [] },
        };
      },
      // biome-ignore lint/correctness/useYield: never streamed here
      async *getStreamedResponse(): AsyncIterable<never> {
        throw new Error('not used');
      },
    };
    const agent = new Agent({ name: 'quiet', instructions: 'x', model });
    expect((await runner.run(agent, 'hi')).finalOutput).toBe('no usage here');
    const record = memory.records[0]!;
    expect(record.modelCalls[0]).toMatchObject({ model: 'gpt-no-usage', outcome: 'success' });
    expect(record.modelCalls[0]!.usage).toBeUndefined();
    expect(record.summary.usage).toBeUndefined();
    expect(toResourceMetric(record, { accountId: ACCOUNT })).toMatchObject({
      modelInvocationCount: 1,
      inputTokenCount: 0,
      outputTokenCount: 0,
    });
  });
});

describe('streamed usage the provider did not report', () => {
  it('a Chat Completions stream whose chunks carry no usage records none', async () => {
    const memory = new InMemoryExporter();
    const runner = new Runner();
    instrumentRunner(runner, { exporters: [memory], logger: false });
    const message = {
      type: 'message' as const,
      role: 'assistant' as const,
      status: 'completed' as const,
      content: [{ type: 'output_text' as const, text: 'hi' }],
    };
    // the events OpenAIChatCompletionsModel yields for a stream without `stream_options.include_usage`
    const model = {
      async getResponse(): Promise<never> {
        throw new Error('not used');
      },
      async *getStreamedResponse() {
        yield { type: 'response_started' as const };
        yield {
          type: 'model' as const,
          event: { id: 'c', model: 'gpt-quiet', choices: [{ delta: { content: 'hi' } }] },
        };
        yield { type: 'output_text_delta' as const, delta: 'hi' };
        yield {
          type: 'response_done' as const,
          response: {
            id: 'c',
            usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
            output: [message],
          },
        };
      },
    };
    const result = await runner.run(new Agent({ name: 'quiet', instructions: 'x', model }), 'hi', {
      stream: true,
    });
    for await (const _event of result) {
      // drain
    }
    await result.completed;
    const [record] = await memory.waitFor(1);
    expect(record!.modelCalls[0]).toMatchObject({ model: 'gpt-quiet', streamed: true, outcome: 'success' });
    expect(record!.modelCalls[0]!.usage).toBeUndefined();
    expect(record!.summary.ttftMs).toBeGreaterThan(0);
  });
});
