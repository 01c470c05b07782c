// The exporter fed recorded span events directly (shapes as Mastra 1.71 exports them).
import { InMemoryExporter } from '@metrics/core/testing';
import { describe, expect, it } from 'vitest';
import { MastraMetricsExporter } from './mastra-exporter.js';

const T = 1_763_892_000_000;
const at = (ms: number) => new Date(T + ms);

function span(
  id: string,
  type: string,
  parentSpanId: string | undefined,
  start: number,
  end?: number,
  extra: Record<string, unknown> = {},
) {
  return {
    id,
    traceId: 'trace-1',
    ...(parentSpanId ? { parentSpanId } : {}),
    isRootSpan: parentSpanId === undefined,
    type,
    name: `${type} ${id}`,
    startTime: at(start),
    ...(end !== undefined ? { endTime: at(end) } : {}),
    isEvent: false,
    ...extra,
  };
}

describe('MastraMetricsExporter on recorded span events', () => {
  it('uses the step span when a Mastra version emits no inference spans, clipped at the first tool', () => {
    const records = new InMemoryExporter();
    const exporter = new MastraMetricsExporter({ exporters: [records], logger: false });
    const send = (type: 'span_started' | 'span_ended', s: ReturnType<typeof span>) =>
      exporter.handle({ type, exportedSpan: s });
    const run = span('run', 'agent_run', undefined, 0, 130, { entityId: 'a', entityName: 'agent-a' });
    const gen = span('gen', 'model_generation', 'run', 5, 125, {
      attributes: { model: 'gpt-x', provider: 'openai.chat' },
    });
    const step0 = span('step0', 'model_step', 'gen', 10, 90, {
      attributes: { usage: { inputTokens: 10, outputTokens: 2 }, finishReason: 'tool-calls' },
      metadata: { body: { id: 'r1' } },
    });
    const tool = span('tool', 'tool_call', 'step0', 50, 80, {
      entityName: 'add',
      attributes: { success: true },
    });
    const step1 = span('step1', 'model_step', 'gen', 100, 120, {
      attributes: {
        usage: {
          inputTokens: 20,
          outputTokens: 3,
          inputDetails: { cacheRead: 4 },
          outputDetails: { reasoning: 1 },
        },
        finishReason: 'stop',
      },
      metadata: { body: { id: 'r2' } },
    });
    send('span_started', run);
    send('span_started', gen);
    send('span_started', step0);
    send('span_started', tool);
    send('span_ended', tool);
    send('span_ended', step0);
    send('span_started', step1);
    send('span_ended', step1);
    send('span_ended', gen);
    expect(records.records).toHaveLength(0);
    send('span_ended', run);
    const [record] = records.records;
    expect(record?.name).toBe('agent-a');
    expect(record?.modelCalls.map((c) => [c.startedAt - T, c.endedAt - T, c.model, c.streamed])).toEqual([
      [10, 50, 'gpt-x', false],
      [100, 120, 'gpt-x', false],
    ]);
    expect(record?.summary.usage).toMatchObject({
      inputTokens: 30,
      outputTokens: 5,
      cacheReadTokens: 4,
      reasoningTokens: 1,
    });
    expect(record?.summary.modelLatencyMs).toBe(60);
    expect(record?.toolCalls.map((t) => `${t.name}:${t.type}:${t.outcome}`)).toEqual(['add:api:success']);
    void exporter.shutdown();
  });

  it('counts inference spans only, never the step and generation spans that repeat their usage', () => {
    const records = new InMemoryExporter();
    const exporter = new MastraMetricsExporter({ exporters: [records], logger: false });
    const send = (type: 'span_started' | 'span_ended', s: ReturnType<typeof span>) =>
      exporter.handle({ type, exportedSpan: s });
    const usage = { inputTokens: 7, outputTokens: 2 };
    const run = span('run', 'agent_run', undefined, 0, 50, {
      attributes: { tripwireAbort: { reason: 'no', processorId: 'late-check' } },
    });
    const gen = span('gen', 'model_generation', 'run', 1, 45, { attributes: { model: 'm', usage } });
    const step = span('step', 'model_step', 'gen', 2, 40, { attributes: { usage, finishReason: 'stop' } });
    const inference = span('inf', 'model_inference', 'step', 3, 39, {
      attributes: {
        usage,
        finishReason: 'stop',
        streaming: true,
        completionStartTime: at(20),
        responseModel: 'm-2025',
      },
    });
    for (const s of [run, gen, step, inference]) send('span_started', s);
    for (const s of [inference, step, gen, run]) send('span_ended', s);
    const [record] = records.records;
    expect(record?.summary.modelCalls).toBe(1);
    expect(record?.summary.usage).toMatchObject({ inputTokens: 7, outputTokens: 2 });
    expect(record?.modelCalls[0]).toMatchObject({ model: 'm-2025', streamed: true, firstTokenAt: T + 20 });
    expect(record?.summary.ttftMs).toBe(20);
    expect(record?.guardrailTrips.map((t) => t.name)).toEqual(['late-check']);
    expect(record?.outcome).toBe('success');
    void exporter.shutdown();
  });
  it('a second inference span in one step records the first; a step that never ends is recorded with the run', () => {
    const records = new InMemoryExporter();
    const exporter = new MastraMetricsExporter({ exporters: [records], logger: false });
    const send = (type: 'span_started' | 'span_ended', s: ReturnType<typeof span>) =>
      exporter.handle({ type, exportedSpan: s });
    const inferenceOf = (inputTokens: number, outputTokens: number) => ({
      attributes: { model: 'm', usage: { inputTokens, outputTokens }, finishReason: 'stop' },
    });
    const run = span('run', 'agent_run', undefined, 0, 200);
    const gen = span('gen', 'model_generation', 'run', 1, 190, { attributes: { model: 'm' } });
    const step = span('step', 'model_step', 'gen', 2, 150, { attributes: { finishReason: 'tool-calls' } });
    const first = span('inf1', 'model_inference', 'step', 3, 30, inferenceOf(5, 1));
    const second = span('inf2', 'model_inference', 'step', 40, 100, inferenceOf(7, 2));
    const tool = span('tool', 'tool_call', 'step', 60, 90, {
      entityName: 'add',
      attributes: { success: true },
    });
    const step2 = span('step2', 'model_step', 'gen', 110, undefined);
    const third = span('inf3', 'model_inference', 'step2', 120, 140, inferenceOf(11, 3));
    const tool2 = span('tool2', 'tool_call', 'step2', 130, 135, {
      entityName: 'add',
      attributes: { success: true },
    });
    for (const s of [run, gen, step, first]) send('span_started', s);
    send('span_ended', first);
    send('span_started', second);
    send('span_started', tool);
    send('span_ended', tool);
    send('span_ended', second);
    send('span_ended', step);
    for (const s of [step2, third, tool2]) send('span_started', s);
    send('span_ended', tool2);
    send('span_ended', third);
    send('span_ended', gen);
    send('span_ended', run); // step2 never ended
    const [record] = records.records;
    // the first inference as it stands; the second and third end where their step's first tool started
    expect(record?.modelCalls.map((c) => [c.startedAt - T, c.endedAt - T, c.usage?.inputTokens])).toEqual([
      [3, 30, 5],
      [40, 60, 7],
      [120, 130, 11],
    ]);
    expect(record?.summary.usage).toMatchObject({ inputTokens: 23, outputTokens: 6 });
    expect([record?.summary.modelCalls, record?.toolCalls.length]).toEqual([3, 2]);
    void exporter.shutdown();
  });
});
