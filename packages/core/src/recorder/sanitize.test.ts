import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { toJsonlEvents } from '../exporters/jsonl-events.js';
import { Metrics } from '../metrics.js';
import { toResourceMetric } from '../payload/to-resource-metric.js';
import { validateResourceMetric } from '../schema/validate-resource-metric.js';
import { InMemoryExporter } from '../testing/in-memory-exporter.js';
import { createUsage } from '../usage/usage.js';
import type { InvocationRecord } from './record.js';

type Loose = any;

function setup(options: Loose = {}) {
  const exporter = new InMemoryExporter();
  const diagnostics = new Diagnostics({ logger: false });
  const metrics = new Metrics({ exporters: [exporter], diagnostics, ...options });
  return { metrics, exporter, counts: () => diagnostics.snapshot() };
}

function payload(record: InvocationRecord) {
  const metric = toResourceMetric(record, { accountId: 'acct-1' });
  expect(validateResourceMetric(metric).ok).toBe(true);
  return metric;
}

describe('misuse of the recorder becomes a diagnostic; the invocation is kept', () => {
  it('an unknown tool type (function, constructor) is recorded as api and touches no global object', async () => {
    const { metrics, exporter, counts } = setup();
    const result = await metrics.withInvocation({}, (run: Loose) => {
      run.startToolCall({ name: 'search', type: 'function' }).end();
      run.startToolCall({ name: 'lookup', type: 'constructor' }).fail(new Error('no'));
      run.recordToolCall({ name: 'x', type: '__proto__', outcome: 'success' });
      return 'the user result';
    });
    expect(result).toBe('the user result');
    expect(Object.hasOwn(Object, 'calls')).toBe(false);
    expect(({} as Loose).calls).toBeUndefined();
    const metric = payload(exporter.records[0]!);
    expect(metric.tools).toEqual([{ toolType: 'api', toolCalls: 3, successCount: 2, failureCount: 1 }]);
    expect(counts()).toEqual({ 'recorder.invalid-input': 3 });
  });

  it('a throwing toolTypes function is reported once per call and the detected type is kept', () => {
    const { metrics, exporter, counts } = setup({
      toolTypes: () => {
        throw new Error('user bug');
      },
    });
    const run = metrics.startInvocation();
    run.startToolCall({ name: 'a', type: 'mcp' }).end();
    run.startToolCall({ name: 'b' }).end();
    run.end();
    expect(payload(exporter.records[0]!).tools).toEqual([
      { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
      { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
    ]);
    expect(counts()).toEqual({ 'recorder.hook-error': 2 });
  });

  it('null arguments: end(null), ModelCall.end(null), recordGuardrailTrip(null), startToolCall(null)', () => {
    const { metrics, exporter, counts } = setup();
    const run: Loose = metrics.startInvocation(null as Loose);
    run.startModelCall(null).end(null);
    run.startToolCall(null).end();
    run.recordGuardrailTrip(null);
    run.startMemberRun(null).end(null);
    expect(run.end(null)).toBe(exporter.records[0]);
    const metric = payload(exporter.records[0]!);
    expect(metric.modelInvocationCount).toBe(1);
    expect(metric.guardrailHits).toBe(1);
    expect(metric.tools).toEqual([{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }]);
    // options, model start, model end, tool start + tool name, guardrail trip + its name,
    // member options + member kind, member end, end
    expect(counts()).toEqual({ 'recorder.invalid-input': 11 });
  });

  it('end twice and calls after end are ignored, each reported as a late event', () => {
    const { metrics, exporter, counts } = setup();
    const run = metrics.startInvocation();
    const call = run.startModelCall();
    const first = run.end();
    expect(run.end({ error: new Error('late') })).toBe(first);
    run.recordGuardrailTrip({ name: 'late' });
    run.startToolCall({ name: 'late' }).end();
    call.end({ usage: createUsage({ inputTokens: 5 }) });
    expect(exporter.records).toHaveLength(1);
    expect(exporter.records[0]!.modelCalls[0]!.outcome).toBe('unfinished');
    expect(payload(exporter.records[0]!).guardrailHits).toBe(0);
    // end, guardrail, tool start, tool end; the model call was closed as unfinished by end()
    expect(counts()).toEqual({ 'recorder.late-event': 4 });
  });

  it('negative, fractional, NaN, huge and unreadable token counts are repaired, not sent', () => {
    const { metrics, exporter, counts } = setup();
    const run = metrics.startInvocation();
    const usage: Loose = {
      inputTokens: -5,
      outputTokens: 2.6,
      totalTokens: Number.NaN,
      cacheReadTokens: 1e300,
    };
    Object.defineProperty(usage, 'reasoningTokens', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    run.startModelCall().end({ usage });
    run.startModelCall().end({ usage: { inputTokens: 10, outputTokens: 4 } });
    run.end();
    const record = exporter.records[0]!;
    expect(record.modelCalls[0]!.usage).toEqual({
      outputTokens: 3,
      invalid: ['inputTokens: -5', 'totalTokens: NaN', 'cacheReadTokens: 1e+300'],
    });
    const metric = payload(record);
    expect(metric.inputTokenCount).toBe(10);
    expect(metric.outputTokenCount).toBe(7);
    expect(counts()).toEqual({ 'usage.invalid': 1 });
  });

  it('non-finite and out-of-range times become the current time; the payload and JSONL stay valid', () => {
    const { metrics, exporter, counts } = setup();
    const before = Date.now();
    const run = metrics.startInvocation({ startedAt: Number.NaN });
    const call = run.startModelCall({ startedAt: Number.POSITIVE_INFINITY });
    call.firstToken(Number.NEGATIVE_INFINITY);
    call.end({}, 1e300);
    run.recordGuardrailTrip({ name: 'g', at: -1 });
    run.end({ endedAt: 8.64e15 + 1 });
    const record = exporter.records[0]!;
    expect(record.startedAt).toBeGreaterThanOrEqual(before - 1);
    const metric = payload(record);
    expect(metric.time).toBeGreaterThanOrEqual(before - 1);
    const events = toJsonlEvents(record, { modelCalls: true });
    expect(events.map((event) => event.type)).toEqual(['llm_call', 'invocation']);
    for (const event of events) expect(Number.isNaN(Date.parse(event.timestamp))).toBe(false);
    expect(counts()).toEqual({ 'recorder.invalid-input': 6 });
  });

  it('cyclic objects are read without recursion and nothing of them is kept but valid values', () => {
    const { metrics, exporter, counts } = setup();
    const loop: Loose = { inputTokens: 3, name: 'loop' };
    loop.self = loop;
    loop.usage = loop;
    loop.metadata = loop;
    loop.cause = loop;
    const run: Loose = metrics.startInvocation(loop);
    run.startModelCall(loop).end(loop);
    run.recordError(loop);
    run.end({ error: loop });
    const record = exporter.records[0]!;
    expect(record.summary.usage?.inputTokens).toBe(3);
    expect(() => JSON.stringify(record)).not.toThrow();
    expect(payload(record).modelInvocationCount).toBe(1);
    // metadata: 5 non-string entries dropped (inputTokens, self, usage, metadata, cause)
    expect(counts()).toEqual({ 'recorder.invalid-input': 1 });
  });

  it('a model id like constructor or __proto__ is counted like any other', () => {
    const { metrics, exporter } = setup();
    const run = metrics.startInvocation();
    run.startModelCall({ model: '__proto__' }).end();
    run.startModelCall({ model: '__proto__' }).end();
    run.startModelCall({ model: 'constructor' }).end();
    run.end();
    expect(payload(exporter.records[0]!).extModelId).toBe('__proto__');
    expect({ ...exporter.records[0]!.summary.models }).toEqual({ ['__proto__']: 2, constructor: 1 });
  });
});
