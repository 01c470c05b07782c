import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { toResourceMetric } from '../payload/to-resource-metric.js';
import { fromOpenAIChatUsage } from '../usage/from-openai.js';
import { InvocationRecorder } from './invocation-recorder.js';
import { unionLength } from './intervals.js';
import type { InvocationRecord } from './record.js';

const T0 = 1_763_892_000_000;
const account = { accountId: '3f1c2a4e-8b7d-4c6e-9a1f-2b3c4d5e6f70' };

function recorder(options: ConstructorParameters<typeof InvocationRecorder>[0] = {}) {
  const finished: InvocationRecord[] = [];
  const diagnostics = new Diagnostics({ logger: false });
  const events: string[] = [];
  diagnostics.on((event) => events.push(event.type));
  const invocation = new InvocationRecorder(
    { startedAt: T0, ...options },
    { onEnd: (r) => finished.push(r), diagnostics },
  );
  return { invocation, finished, events };
}

const rateLimit = () =>
  OpenAI.APIError.generate(429, { error: { message: 'slow down' } }, 'slow down', new Headers());
const serverError = () =>
  OpenAI.APIError.generate(500, { error: { message: 'boom' } }, 'boom', new Headers());

describe('unionLength', () => {
  it('counts overlapping intervals once and gaps not at all', () => {
    const span = (startedAt: number, endedAt: number) => ({ startedAt, endedAt });
    expect(unionLength([])).toBe(0);
    expect(unionLength([span(0, 10)])).toBe(10);
    expect(unionLength([span(0, 10), span(5, 15), span(20, 30), span(21, 22)])).toBe(25);
    // out of start order (a call that started first ended last): sorted on a copy
    const spans = [span(20, 30), span(0, 10), span(21, 22), span(5, 15)];
    expect(unionLength(spans)).toBe(25);
    expect(spans.map((s) => s.startedAt)).toEqual([20, 0, 21, 5]);
  });
});

describe('InvocationRecorder', () => {
  it('model latency is the union of model-call intervals: tool time excluded, parallel calls not double-counted', () => {
    const { invocation } = recorder();
    invocation.recordModelCall({ model: 'gpt-4o', startedAt: T0 + 10, endedAt: T0 + 110 });
    invocation.recordToolCall({ name: 'search', startedAt: T0 + 110, endedAt: T0 + 410, outcome: 'success' });
    // two parallel calls: 400..600 and 450..550 → 200 ms of wall time
    invocation.recordModelCall({ model: 'gpt-4o', startedAt: T0 + 410, endedAt: T0 + 610 });
    invocation.recordModelCall({ model: 'gpt-4o-mini', startedAt: T0 + 450, endedAt: T0 + 550 });
    const record = invocation.end({ endedAt: T0 + 700 })!;
    expect(record.summary.modelLatencyMs).toBe(300);
    expect(record.durationMs).toBe(700);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.models).toEqual({ 'gpt-4o': 2, 'gpt-4o-mini': 1 });
    expect(toResourceMetric(record, account)).toMatchObject({
      modelLatency: 300,
      totalTime: 700,
      extModelId: 'gpt-4o',
      time: T0,
    });
  });

  it('ttft runs from invocation start to the first token of the first model call; 0 when that call was not streamed', () => {
    const streamed = recorder().invocation;
    const call = streamed.startModelCall({ startedAt: T0 + 50 });
    call.firstToken(T0 + 170);
    call.firstToken(T0 + 190); // only the first mark counts
    call.end({}, T0 + 300);
    const later = streamed.startModelCall({ startedAt: T0 + 400 });
    later.firstToken(T0 + 410);
    later.end({}, T0 + 500);
    const record = streamed.end({ endedAt: T0 + 600 })!;
    expect(record.summary.ttftMs).toBe(170);
    expect(record.modelCalls[0]).toMatchObject({ streamed: true, firstTokenAt: T0 + 170 });

    const unstreamed = recorder().invocation;
    unstreamed.recordModelCall({ startedAt: T0 + 10, endedAt: T0 + 100 });
    unstreamed.recordModelCall({ startedAt: T0 + 200, endedAt: T0 + 300, firstTokenAt: T0 + 250 });
    expect(unstreamed.end({ endedAt: T0 + 400 })!.summary.ttftMs).toBe(0);
  });

  it("ttft skips failed attempts: a streamed 429 retried with success takes the retry's first token", () => {
    const { invocation } = recorder();
    invocation.startModelCall({ startedAt: T0 + 5, streamed: true }).fail(rateLimit(), {}, T0 + 10);
    const retry = invocation.startModelCall({ startedAt: T0 + 20, streamed: true, attempt: 2 });
    retry.firstToken(T0 + 60);
    retry.end({}, T0 + 90);
    expect(invocation.end({ endedAt: T0 + 100 })!.summary.ttftMs).toBe(60);

    const allFailed = recorder().invocation;
    allFailed.startModelCall({ startedAt: T0 + 5, streamed: true }).fail(serverError(), {}, T0 + 10);
    expect(allFailed.end({ endedAt: T0 + 20, error: serverError() })!.summary.ttftMs).toBe(0);
  });

  it('a retried call counts each attempt, and each 429 counts as a throttle even when the retry succeeded', () => {
    const { invocation } = recorder();
    const first = invocation.startModelCall({ model: 'gpt-4o', attempt: 1, startedAt: T0 });
    first.fail(rateLimit(), {}, T0 + 20);
    const second = invocation.startModelCall({ model: 'gpt-4o', attempt: 2, startedAt: T0 + 1020 });
    second.fail(rateLimit(), {}, T0 + 1030);
    const third = invocation.startModelCall({ model: 'gpt-4o', attempt: 3, startedAt: T0 + 2030 });
    third.end({ usage: fromOpenAIChatUsage({ prompt_tokens: 11, completion_tokens: 4 }) }, T0 + 2100);
    const record = invocation.end({ endedAt: T0 + 2200 })!;
    expect(record.modelCalls.map((c) => [c.attempt, c.outcome, c.status])).toEqual([
      [1, 'error', 429],
      [2, 'error', 429],
      [3, 'success', undefined],
    ]);
    expect(toResourceMetric(record, account)).toMatchObject({
      modelInvocationCount: 3,
      modelInvocationThrottles: 2,
      modelInvocationServerErrors: 0,
      modelInvocationUnknownErrors: 0,
      inputTokenCount: 11,
      outputTokenCount: 4,
      modelLatency: 100,
    });
  });

  it('a run that fails with the model error it already recorded counts it once', () => {
    const { invocation, finished } = recorder();
    const error = serverError();
    invocation.startModelCall({ startedAt: T0 }).fail(error, {}, T0 + 5);
    invocation.end({ error: new Error('agent failed', { cause: error }), endedAt: T0 + 10 });
    const [record] = finished;
    expect(record!.outcome).toBe('error');
    expect(record!.error).toMatchObject({ category: 'server', status: 500 });
    expect(toResourceMetric(record!, account)).toMatchObject({
      modelInvocationServerErrors: 1,
      invocationServerErrors: 0,
      modelInvocationUnknownErrors: 0,
    });
  });

  it('errors outside model calls count by HTTP status, or as unknown', () => {
    const tool503 = recorder().invocation;
    tool503.end({ error: Object.assign(new Error('upstream'), { status: 503 }) });
    const host401 = recorder().invocation;
    host401.end({ error: Object.assign(new Error('nope'), { statusCode: 401 }) });
    const plain = recorder().invocation;
    plain.end({ error: new Error('max turns exceeded') });
    const guardrail = recorder().invocation;
    guardrail.recordGuardrailTrip({ name: 'pii', kind: 'input' });
    const tripped = guardrail.end({ error: new Error('tripwire'), countError: false })!;
    expect(toResourceMetric(tool503.end()!, account)).toMatchObject({
      invocationServerErrors: 1,
      invocationClientErrors: 0,
    });
    expect(toResourceMetric(host401.end()!, account)).toMatchObject({ invocationClientErrors: 1 });
    expect(toResourceMetric(plain.end()!, account)).toMatchObject({ modelInvocationUnknownErrors: 1 });
    expect(tripped.outcome).toBe('error');
    expect(toResourceMetric(tripped, account)).toMatchObject({
      guardrailHits: 1,
      modelInvocationUnknownErrors: 0,
    });
  });

  it('counts tools by type with success and failure, including calls that never ran, with the user override applied', () => {
    const finished: InvocationRecord[] = [];
    const invocation = new InvocationRecorder(
      { startedAt: T0 },
      { onEnd: (r) => finished.push(r), toolTypes: { lookup: 'mcp' } },
    );
    invocation.startToolCall({ name: 'search', type: 'api' }).end();
    invocation.startToolCall({ name: 'search', type: 'api' }).fail(new Error('timeout'));
    invocation.startToolCall({ name: 'fs_read', type: 'mcp' }).end();
    invocation.startToolCall({ name: 'lookup' }).end();
    invocation.recordToolCall({ name: 'nope', outcome: 'failure', error: new Error('unknown tool') });
    const pending = invocation.startToolCall({ name: 'slow' });
    const record = invocation.end()!;
    expect(pending.ended).toBe(true);
    expect(record.toolCalls.map((t) => [t.name, t.type, t.outcome])).toEqual([
      ['search', 'api', 'success'],
      ['search', 'api', 'failure'],
      ['fs_read', 'mcp', 'success'],
      ['lookup', 'mcp', 'success'],
      ['nope', 'api', 'failure'],
      ['slow', 'api', 'failure'],
    ]);
    expect(toResourceMetric(record, account).tools).toEqual([
      { toolType: 'api', toolCalls: 4, successCount: 1, failureCount: 3 },
      { toolType: 'mcp', toolCalls: 2, successCount: 2, failureCount: 0 },
    ]);
  });

  it('rolls member runs into the parent: usage, calls, tools, latency union and errors', () => {
    const { invocation } = recorder({ model: 'gpt-4o' });
    invocation.recordModelCall({
      startedAt: T0,
      endedAt: T0 + 100,
      usage: fromOpenAIChatUsage({ prompt_tokens: 100, completion_tokens: 10 }),
    });
    const member = invocation.startMemberRun({ kind: 'handoff', name: 'billing', startedAt: T0 + 100 });
    member.recordModelCall({
      model: 'gpt-4o-mini',
      startedAt: T0 + 150,
      endedAt: T0 + 250,
      usage: fromOpenAIChatUsage({ prompt_tokens: 50, completion_tokens: 5 }),
    });
    member.recordToolCall({
      name: 'refund',
      type: 'api',
      outcome: 'success',
      startedAt: T0 + 250,
      endedAt: T0 + 260,
    });
    const nested = member.startMemberRun({ kind: 'subagent', name: 'audit', startedAt: T0 + 260 });
    nested.recordModelCall({ startedAt: T0 + 260, endedAt: T0 + 300, error: rateLimit() });
    nested.recordModelCall({
      startedAt: T0 + 300,
      endedAt: T0 + 340,
      usage: fromOpenAIChatUsage({ prompt_tokens: 7, completion_tokens: 3 }),
    });
    member.end({ endedAt: T0 + 350 }); // ends the nested member too
    const record = invocation.end({ endedAt: T0 + 400 })!;
    expect(record.members).toHaveLength(1);
    expect(record.members[0]).toMatchObject({
      name: 'billing',
      memberKind: 'handoff',
      parentRunId: record.runId,
    });
    expect(record.members[0]!.members[0]).toMatchObject({
      name: 'audit',
      memberKind: 'subagent',
      outcome: 'success',
    });
    expect(toResourceMetric(record, account)).toMatchObject({
      modelInvocationCount: 4,
      inputTokenCount: 157,
      outputTokenCount: 18,
      modelInvocationThrottles: 1,
      modelLatency: 280,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 }],
      extModelId: 'gpt-4o',
    });
  });

  it('keeps "not reported" usage distinct from zero, and sends 0 in the payload', () => {
    const { invocation } = recorder();
    invocation.recordModelCall({ startedAt: T0, endedAt: T0 + 10 });
    const record = invocation.end({ endedAt: T0 + 20 })!;
    expect(record.summary.usage).toBeUndefined();
    expect(toResourceMetric(record, account)).toMatchObject({
      inputTokenCount: 0,
      outputTokenCount: 0,
      modelInvocationCount: 1,
    });
  });

  it('closes calls still open at the end and ignores late events, reporting them', () => {
    const { invocation, finished, events } = recorder();
    const call = invocation.startModelCall({ startedAt: T0 });
    const record = invocation.end({ endedAt: T0 + 50 })!;
    expect(record.modelCalls[0]).toMatchObject({ outcome: 'unfinished', endedAt: T0 + 50 });
    call.end({ usage: fromOpenAIChatUsage({ prompt_tokens: 5, completion_tokens: 5 }) });
    invocation.recordToolCall({ name: 'late', outcome: 'success' });
    invocation.recordGuardrailTrip({ name: 'late' });
    expect(invocation.end()).toBe(record);
    expect(finished).toHaveLength(1);
    expect(record.summary.usage).toBeUndefined();
    expect(events.filter((e) => e === 'recorder.late-event')).toHaveLength(3);
  });

  it('produces an immutable record with a fresh UUID v4 run id', () => {
    const a = recorder().invocation.end()!;
    const b = recorder().invocation.end()!;
    expect(a.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.runId).not.toBe(b.runId);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.modelCalls)).toBe(true);
    expect(() => (a.modelCalls as unknown[]).push(1)).toThrow();
  });

  it('an onEnd hook that throws is reported, never thrown to the caller', () => {
    const diagnostics = new Diagnostics({ logger: false });
    const seen: string[] = [];
    diagnostics.on((e) => seen.push(e.type));
    const invocation = new InvocationRecorder(
      {},
      {
        diagnostics,
        onEnd: () => {
          throw new Error('exporter down');
        },
      },
    );
    expect(() => invocation.end()).not.toThrow();
    expect(seen).toEqual(['adapter.error']);
  });
});
