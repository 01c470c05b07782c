import {
  InvocationRecorder,
  type InvocationRecord,
  createMetrics,
  fromAnthropicUsage,
  fromOpenAIChatUsage,
} from '@metrics/core';
import { metrics } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenTelemetryExporter } from './otel-exporter.js';
import { AGENT_DURATION_BUCKETS, DURATION_BUCKETS, TOKEN_BUCKETS } from './names.js';
import { filledBuckets, point, testProvider } from './test-reader.js';

const T0 = 1_700_000_000_000;

/**
 * One scripted run (all times explicit, in ms after T0):
 * - OpenAI call 0→500, streamed, first chunk at 250; 100 input (40 cached) / 20 output
 * - tool `lookup_order` 500→530
 * - OpenAI call 530→1730, not streamed; 300 input / 5 output
 * - sub-agent `researcher` 1730→1950 with one Anthropic call 1730→1900:
 *   10 uncached + 50 cache-write input / 3 output, cache read reported as 0
 * - OpenAI call 1950→2000 fails with HTTP 429 (no usage)
 * - the run ends at 2200
 */
function scriptedRun(): InvocationRecord {
  const run = new InvocationRecorder({
    name: 'support-agent',
    sessionId: 'conversation-42',
    startedAt: T0,
  });
  const first = run.startModelCall({ provider: 'openai.chat', model: 'gpt-test', startedAt: T0 });
  first.firstToken(T0 + 250);
  first.end(
    {
      usage: fromOpenAIChatUsage({
        prompt_tokens: 100,
        completion_tokens: 20,
        total_tokens: 120,
        prompt_tokens_details: { cached_tokens: 40 },
      }),
    },
    T0 + 500,
  );
  run.startToolCall({ name: 'lookup_order', type: 'api', startedAt: T0 + 500 }).end(T0 + 530);
  run
    .startModelCall({ provider: 'openai.chat', model: 'gpt-test', startedAt: T0 + 530 })
    .end({ usage: fromOpenAIChatUsage({ prompt_tokens: 300, completion_tokens: 5 }) }, T0 + 1730);

  const member = run.startMemberRun({ kind: 'subagent', name: 'researcher', startedAt: T0 + 1730 });
  member.startModelCall({ provider: 'anthropic.messages', startedAt: T0 + 1730 }).end(
    {
      model: 'claude-test',
      usage: fromAnthropicUsage({
        input_tokens: 10,
        output_tokens: 3,
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: 50,
      }),
    },
    T0 + 1900,
  );
  member.end({ endedAt: T0 + 1950 });

  run
    .startModelCall({ provider: 'openai.chat', model: 'gpt-test', startedAt: T0 + 1950 })
    .fail(Object.assign(new Error('Rate limit reached'), { status: 429 }), {}, T0 + 2000);
  const record = run.end({ endedAt: T0 + 2200 });
  if (!record) throw new Error('no record');
  return record;
}

const openai = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-test',
};
const anthropic = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'anthropic',
  'gen_ai.request.model': 'claude-test',
};

afterEach(() => {
  metrics.disable();
});

describe('OpenTelemetryExporter with the real SDK', () => {
  it('records tokens by type with exact counts, sums and buckets', async () => {
    const { provider, reader } = testProvider();
    createOpenTelemetryExporter({ meterProvider: provider }).export(scriptedRun());
    const tokens = (await reader.metrics()).get('gen_ai.client.token.usage');

    expect(tokens?.descriptor.unit).toBe('{token}');
    const openaiInput = point<Histogram>(tokens, { ...openai, 'gen_ai.token.type': 'input' });
    expect(openaiInput.count).toBe(2);
    expect(openaiInput.sum).toBe(400);
    expect(openaiInput.min).toBe(100);
    expect(openaiInput.max).toBe(300);
    expect(openaiInput.buckets.boundaries).toEqual(TOKEN_BUCKETS);
    expect(filledBuckets(openaiInput)).toEqual({ 256: 1, 1024: 1 });

    const openaiOutput = point<Histogram>(tokens, { ...openai, 'gen_ai.token.type': 'output' });
    expect([openaiOutput.count, openaiOutput.sum]).toEqual([2, 25]);
    expect(filledBuckets(openaiOutput)).toEqual({ 16: 1, 64: 1 });

    // Anthropic reports cache tokens beside input_tokens; the core folds them into input (10 + 50).
    const anthropicInput = point<Histogram>(tokens, { ...anthropic, 'gen_ai.token.type': 'input' });
    expect([anthropicInput.count, anthropicInput.sum]).toEqual([1, 60]);
    expect(filledBuckets(anthropicInput)).toEqual({ 64: 1 });
    const anthropicOutput = point<Histogram>(tokens, { ...anthropic, 'gen_ai.token.type': 'output' });
    expect([anthropicOutput.count, anthropicOutput.sum]).toEqual([1, 3]);

    // The failed call reported no usage, so it adds no token points: 4 series, 6 observations.
    expect(tokens?.dataPoints).toHaveLength(4);
    const observations = (tokens?.dataPoints ?? []).reduce((n, p) => n + (p.value as Histogram).count, 0);
    expect(observations).toBe(6);
  });

  it('records cache read and cache write input tokens as counters', async () => {
    const { provider, reader } = testProvider();
    createOpenTelemetryExporter({ meterProvider: provider }).export(scriptedRun());
    const collected = await reader.metrics();
    const read = collected.get('gen_ai.client.inference.usage.cache_read.input_tokens');
    const write = collected.get('gen_ai.client.inference.usage.cache_write.input_tokens');
    const modality = { 'gen_ai.token.modality': 'unknown' };
    expect(read?.dataPointType).toBe(3); // SUM
    expect(point(read, { ...openai, ...modality })).toBe(40);
    expect(point(read, { ...anthropic, ...modality })).toBe(0);
    expect(read?.dataPoints).toHaveLength(2);
    expect(point(write, { ...anthropic, ...modality })).toBe(50);
    expect(write?.dataPoints).toHaveLength(1);
  });

  it('records model call durations, errors and time to first chunk in seconds', async () => {
    const { provider, reader } = testProvider();
    createOpenTelemetryExporter({ meterProvider: provider }).export(scriptedRun());
    const collected = await reader.metrics();
    const duration = collected.get('gen_ai.client.operation.duration');
    expect(duration?.descriptor.unit).toBe('s');

    const ok = point<Histogram>(duration, openai);
    expect(ok.count).toBe(2);
    expect(ok.sum).toBeCloseTo(1.7, 9);
    expect(ok.buckets.boundaries).toEqual(DURATION_BUCKETS);
    expect(filledBuckets(ok)).toEqual({ 0.64: 1, 1.28: 1 });

    const throttled = point<Histogram>(duration, { ...openai, 'error.type': '429' });
    expect(throttled.count).toBe(1);
    expect(throttled.sum).toBeCloseTo(0.05, 9);
    expect(filledBuckets(throttled)).toEqual({ 0.08: 1 });

    const claude = point<Histogram>(duration, anthropic);
    expect(claude.count).toBe(1);
    expect(filledBuckets(claude)).toEqual({ 0.32: 1 });
    expect(duration?.dataPoints).toHaveLength(3);

    // Only the streamed call has a first chunk.
    const ttfc = collected.get('gen_ai.client.operation.time_to_first_chunk');
    const streamed = point<Histogram>(ttfc, openai);
    expect([streamed.count, streamed.sum]).toEqual([1, 0.25]);
    expect(filledBuckets(streamed)).toEqual({ 0.32: 1 });
    expect(ttfc?.dataPoints).toHaveLength(1);
  });

  it('records agent invocations (members included) and tool executions', async () => {
    const { provider, reader } = testProvider();
    createOpenTelemetryExporter({ meterProvider: provider }).export(scriptedRun());
    const collected = await reader.metrics();

    const agents = collected.get('gen_ai.invoke_agent.duration');
    // Two models were used, so the leader carries no gen_ai.request.model; the sub-agent used one.
    const leader = point<Histogram>(agents, { 'gen_ai.agent.name': 'support-agent' });
    expect([leader.count, leader.sum]).toEqual([1, 2.2]);
    expect(leader.buckets.boundaries).toEqual(AGENT_DURATION_BUCKETS);
    expect(filledBuckets(leader)).toEqual({ 3.2: 1 });
    const researcher = point<Histogram>(agents, {
      'gen_ai.agent.name': 'researcher',
      'gen_ai.request.model': 'claude-test',
    });
    expect([researcher.count, researcher.sum]).toEqual([1, 0.22]);
    expect(filledBuckets(researcher)).toEqual({ 0.4: 1 });

    const toolAttrs = {
      'gen_ai.tool.name': '_OTHER',
      'gen_ai.tool.type': 'function',
      'gen_ai.agent.name': 'support-agent',
    };
    const tools = point<Histogram>(collected.get('gen_ai.execute_tool.duration'), toolAttrs);
    expect(tools.count).toBe(1);
    expect(tools.sum).toBeCloseTo(0.03, 9);
    expect(filledBuckets(tools)).toEqual({ 0.04: 1 });
    expect(point(collected.get('agent_metrics.tool.calls'), toolAttrs)).toBe(1);
  });

  it('never puts run ids, session ids or tool names (by default) in attributes', async () => {
    const { provider, reader } = testProvider();
    const record = scriptedRun();
    createOpenTelemetryExporter({ meterProvider: provider }).export(record);
    const values = new Set<string>();
    const keys = new Set<string>();
    for (const metric of (await reader.metrics()).values())
      for (const p of metric.dataPoints)
        for (const [k, v] of Object.entries(p.attributes)) {
          keys.add(k);
          values.add(String(v));
        }
    for (const id of [record.runId, record.members[0]?.runId, 'conversation-42', 'lookup_order'])
      expect(values.has(String(id))).toBe(false);
    expect([...keys].sort()).toEqual([
      'error.type',
      'gen_ai.agent.name',
      'gen_ai.operation.name',
      'gen_ai.provider.name',
      'gen_ai.request.model',
      'gen_ai.token.modality',
      'gen_ai.token.type',
      'gen_ai.tool.name',
      'gen_ai.tool.type',
    ]);
  });

  it('reports allowed tool names, MCP tools as extensions and failures with error.type', async () => {
    const { provider, reader } = testProvider();
    const exporter = createOpenTelemetryExporter({ meterProvider: provider, toolNames: ['search'] });
    const run = new InvocationRecorder({ startedAt: T0 });
    run.startToolCall({ name: 'search', type: 'mcp', startedAt: T0 }).end(T0 + 100);
    run
      .startToolCall({ name: 'search', type: 'mcp', startedAt: T0 + 100 })
      .fail(new TypeError('bad'), T0 + 300);
    run.startToolCall({ name: 'secret_tool', type: 'api', startedAt: T0 + 300 }).end(T0 + 310);
    run.recordToolCall({ name: 'missing_tool', outcome: 'failure', endedAt: T0 + 310 });
    exporter.export(run.end({ endedAt: T0 + 400 }) as InvocationRecord);

    const collected = await reader.metrics();
    const calls = collected.get('agent_metrics.tool.calls');
    const search = { 'gen_ai.tool.name': 'search', 'gen_ai.tool.type': 'extension' };
    expect(point(calls, search)).toBe(1);
    expect(point(calls, { ...search, 'error.type': 'TypeError' })).toBe(1);
    expect(point(calls, { 'gen_ai.tool.name': '_OTHER', 'gen_ai.tool.type': 'function' })).toBe(1);
    expect(
      point(calls, { 'gen_ai.tool.name': '_OTHER', 'gen_ai.tool.type': 'function', 'error.type': '_OTHER' }),
    ).toBe(1);
    const failed = point<Histogram>(collected.get('gen_ai.execute_tool.duration'), {
      ...search,
      'error.type': 'TypeError',
    });
    expect([failed.count, failed.sum]).toEqual([1, 0.2]);
    // No name and no model: the run carries no agent attributes at all.
    expect(point<Histogram>(collected.get('gen_ai.invoke_agent.duration'), {}).count).toBe(1);
  });

  it('marks calls cut off by the end of the run and names the member agent on its tools', async () => {
    const { provider, reader } = testProvider();
    const run = new InvocationRecorder({ name: 'leader', startedAt: T0 });
    const member = run.startMemberRun({ kind: 'handoff', name: 'billing', startedAt: T0 });
    member.startToolCall({ name: 'refund', type: 'api', startedAt: T0 }).end(T0 + 20);
    member.end({ endedAt: T0 + 50 });
    run.startModelCall({ provider: 'openai', model: 'gpt-test', startedAt: T0 + 50 }); // never ends
    const record = run.end({ endedAt: T0 + 450, error: new Error('aborted by host') }) as InvocationRecord;
    createOpenTelemetryExporter({ meterProvider: provider }).export(record);

    const collected = await reader.metrics();
    const cut = point<Histogram>(collected.get('gen_ai.client.operation.duration'), {
      ...openai,
      'error.type': 'Unfinished',
    });
    expect([cut.count, cut.sum]).toEqual([1, 0.4]);
    expect(
      point(collected.get('agent_metrics.tool.calls'), {
        'gen_ai.tool.name': '_OTHER',
        'gen_ai.tool.type': 'function',
        'gen_ai.agent.name': 'billing',
      }),
    ).toBe(1);
    const agents = collected.get('gen_ai.invoke_agent.duration');
    expect(
      point<Histogram>(agents, {
        'gen_ai.agent.name': 'leader',
        'gen_ai.request.model': 'gpt-test',
        'error.type': 'Error',
      }).sum,
    ).toBe(0.45);
    expect(point<Histogram>(agents, { 'gen_ai.agent.name': 'billing' }).sum).toBe(0.05);
  });

  it('marks failed invocations with error.type and honours agentNames: false and renamed metrics', async () => {
    const { provider, reader } = testProvider();
    const exporter = createOpenTelemetryExporter({
      meterProvider: provider,
      agentNames: false,
      names: { invokeAgentDuration: 'my.agent.duration' },
    });
    const run = new InvocationRecorder({ name: 'planner', model: 'gpt-test', startedAt: T0 });
    const timeout = Object.assign(new Error('timed out'), { name: 'TimeoutError' });
    exporter.export(run.end({ error: timeout, endedAt: T0 + 30_000 }) as InvocationRecord);

    const collected = await reader.metrics();
    expect(collected.has('gen_ai.invoke_agent.duration')).toBe(false);
    const failed = point<Histogram>(collected.get('my.agent.duration'), {
      'gen_ai.request.model': 'gpt-test',
      'error.type': 'timeout',
    });
    expect([failed.count, failed.sum]).toEqual([1, 30]);
    expect(filledBuckets(failed)).toEqual({ 51.2: 1 });
  });

  it('works through createMetrics and the global provider, and stops after shutdown', async () => {
    const { provider, reader } = testProvider();
    // Created before the application installs its SDK: the global provider is read at each export.
    const exporter = createOpenTelemetryExporter();
    const m = createMetrics({ exporters: [exporter], logger: false });
    metrics.setGlobalMeterProvider(provider);

    await m.withInvocation({ name: 'a' }, (run) => {
      run.recordModelCall({
        provider: 'openai',
        model: 'gpt-test',
        startedAt: T0,
        endedAt: T0 + 10,
        usage: fromOpenAIChatUsage({ prompt_tokens: 7, completion_tokens: 1 }),
      });
    });
    await m.shutdown();
    await m.withInvocation({ name: 'a' }, () => undefined);

    const tokens = (await reader.metrics()).get('gen_ai.client.token.usage');
    expect(point<Histogram>(tokens, { ...openai, 'gen_ai.token.type': 'input' }).sum).toBe(7);
    const agents = (await reader.metrics()).get('gen_ai.invoke_agent.duration');
    expect(
      point<Histogram>(agents, { 'gen_ai.agent.name': 'a', 'gen_ai.request.model': 'gpt-test' }).count,
    ).toBe(1);
  });

  it('uses a providerName mapping and falls back when it returns nothing or throws', async () => {
    const { provider, reader } = testProvider();
    const exporter = createOpenTelemetryExporter({
      meterProvider: provider,
      providerName: (call) => {
        if (call.model === 'boom') throw new Error('user bug');
        return call.model === 'llama' ? 'my_gateway' : undefined;
      },
    });
    const run = new InvocationRecorder({ startedAt: T0 });
    for (const model of ['llama', 'gpt-test', 'boom'])
      run.recordModelCall({ provider: 'openai', model, startedAt: T0, endedAt: T0 + 10 });
    exporter.export(run.end({ endedAt: T0 + 10 }) as InvocationRecord);
    const duration = (await reader.metrics()).get('gen_ai.client.operation.duration');
    const providers = (duration?.dataPoints ?? []).map(
      (p) => `${p.attributes['gen_ai.request.model']}:${p.attributes['gen_ai.provider.name']}`,
    );
    expect(providers.sort()).toEqual(['boom:openai', 'gpt-test:openai', 'llama:my_gateway']);
  });

  it('flush() force-flushes the meter provider unless told not to', async () => {
    let flushes = 0;
    const { provider } = testProvider();
    const counting = Object.assign(Object.create(provider) as typeof provider, {
      forceFlush: async () => {
        flushes++;
      },
    });
    await createOpenTelemetryExporter({ meterProvider: counting }).flush();
    await createOpenTelemetryExporter({ meterProvider: counting, flushMeterProvider: false }).flush();
    expect(flushes).toBe(1);
  });
});
