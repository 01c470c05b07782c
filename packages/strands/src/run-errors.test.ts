import { type ModelServer, startModelServer } from '@metrics/testkit';
import {
  AfterModelCallEvent,
  Agent,
  BeforeModelCallEvent,
  BeforeToolCallEvent,
  StructuredOutputError,
} from '@strands-agents/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InMemoryExporter, getWeather, modelFor, newAgent, newPlugin, onlyRecord } from './test-helpers.js';

let server: ModelServer;
const memory = new InMemoryExporter();
const plugin = newPlugin(memory);

beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server?.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.records.length = 0;
});

const weatherCall = {
  toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }],
  usage: { input: 10, output: 1 },
};
const noErrors = {
  modelInvocationThrottles: 0,
  modelInvocationClientErrors: 0,
  modelInvocationServerErrors: 0,
};

describe('errors other than the model: the run error, by class', () => {
  it('a hook that throws before the model call: the run fails with its error, no model call is made', async () => {
    const agent = newAgent({ model: modelFor(server, 'openai-chat'), plugins: [plugin] });
    agent.addHook(BeforeModelCallEvent, () => {
      throw new TypeError('policy hook broke');
    });
    await expect(agent.invoke('weather?')).rejects.toThrow('policy hook broke');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(0);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({
      name: 'TypeError',
      category: 'unknown',
      message: 'policy hook broke',
    });
    expect(record.errors).toHaveLength(1);
    expect(record.summary.errors).toMatchObject({ ...noErrors, modelInvocationUnknownErrors: 1 });
    expect(record.summary.modelCalls).toBe(0);
  });

  it('a hook that throws before a tool call: the run fails with it after the model calls the SDK still made', async () => {
    server.script([weatherCall, { text: 'no weather', usage: { input: 20, output: 2 } }]);
    const agent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [getWeather],
      plugins: [plugin],
    });
    agent.addHook(BeforeToolCallEvent, () => {
      throw new TypeError('policy hook broke');
    });
    await expect(agent.invoke('weather?')).rejects.toThrow(TypeError);
    const record = onlyRecord(memory);
    // Strands 1.19 goes on to the next model call before the hook's error leaves the tool step
    expect(server.requests).toHaveLength(2);
    expect(record.outcome).toBe('error');
    expect(record.errors).toEqual([{ category: 'unknown', name: 'TypeError', message: 'policy hook broke' }]);
    expect(record.summary.errors).toMatchObject({ ...noErrors, modelInvocationUnknownErrors: 1 });
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 30, outputTokens: 3 });
    expect(record.summary.tools.api.calls).toBe(0);
  });

  it('a hook after a successful model call that throws: still one successful model call, the run fails', async () => {
    server.script([{ text: 'hi', usage: { input: 7, output: 2 } }]);
    const agent = newAgent({ model: modelFor(server, 'anthropic'), plugins: [plugin] });
    agent.addHook(AfterModelCallEvent, () => {
      throw new RangeError('audit sink full');
    });
    await expect(agent.invoke('hi')).rejects.toThrow('audit sink full');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({ name: 'RangeError', category: 'unknown' });
    expect(record.summary.errors).toMatchObject({ ...noErrors, modelInvocationUnknownErrors: 1 });
    expect(record.modelCalls.map((c) => c.outcome)).toEqual(['success']);
    expect(record.summary.usage).toMatchObject({ inputTokens: 7, outputTokens: 2 });
  });

  it('a structured-output failure (the model never calls the output tool, even when forced)', async () => {
    server.script([
      { text: 'no tool from me', usage: { input: 30, output: 3 } },
      { text: 'still no tool', usage: { input: 40, output: 4 } },
    ]);
    const agent = newAgent({
      model: modelFor(server, 'openai-chat'),
      structuredOutputSchema: z.object({ city: z.string() }),
      plugins: [plugin],
    });
    await expect(agent.invoke('city?')).rejects.toBeInstanceOf(StructuredOutputError);
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({ name: 'StructuredOutputError', category: 'unknown' });
    expect(record.summary.errors).toMatchObject({ ...noErrors, modelInvocationUnknownErrors: 1 });
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 70, outputTokens: 7 });
  });

  it('agent.cancel() during a tool: the run resolves as cancelled and is recorded as an abort', async () => {
    server.script([weatherCall]);
    const agent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [getWeather],
      plugins: [plugin],
    });
    agent.addHook(BeforeToolCallEvent, () => agent.cancel());
    const result = await agent.invoke('weather?');
    expect(result.stopReason).toBe('cancelled');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({ name: 'AbortError', category: 'abort' });
    expect(record.summary.errors).toMatchObject({ ...noErrors, modelInvocationUnknownErrors: 1 });
    expect(record.summary.modelCalls).toBe(1);
    expect(record.summary.usage).toMatchObject({ inputTokens: 10, outputTokens: 1 });
  });

  it("a cancel signal that times out: the run is recorded with the signal's reason (a timeout)", async () => {
    server.script([{ text: 'slow', usage: { input: 5, output: 1 }, firstChunkDelayMs: 2000 }]);
    const agent = newAgent({ model: modelFor(server, 'openai-chat'), plugins: [plugin] });
    const result = await agent.invoke('hi', { cancelSignal: AbortSignal.timeout(50) });
    expect(result.stopReason).toBe('cancelled');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('error');
    expect(record.error).toMatchObject({ name: 'TimeoutError', category: 'timeout' });
    // the model call the cancel cut short failed with the same timeout, counted once (timeouts count as server errors)
    expect(record.modelCalls.map((c) => [c.outcome, c.error?.name])).toEqual([['error', 'TimeoutError']]);
    expect(record.summary.errors).toMatchObject({
      ...noErrors,
      modelInvocationServerErrors: 1,
      modelInvocationUnknownErrors: 0,
    });
  });

  it('a run that stops at its turn limit is not an error (the SDK returns a stop reason)', async () => {
    server.script([weatherCall]);
    const agent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [getWeather],
      plugins: [plugin],
    });
    const result = await agent.invoke('weather?', { limits: { turns: 1 } });
    expect(result.stopReason).toBe('limitTurns');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('success');
    expect(record.summary.modelCalls).toBe(1);
    expect(record.summary.tools.api).toEqual({ calls: 1, success: 1, failure: 0 });
  });

  it('a failing child agent used as a tool: its member run fails, the parent run succeeds', async () => {
    server.script('parent', [
      {
        toolCalls: [{ name: 'child', arguments: { input: 'script:child' } }],
        usage: { input: 100, output: 10 },
      },
      { text: 'the child failed', usage: { input: 200, output: 20 } },
    ]);
    server.script('child', [{ text: 'child answer', usage: { input: 3, output: 1 } }]);
    const child = newAgent({ name: 'child', model: modelFor(server, 'openai-chat'), plugins: [plugin] });
    child.addHook(AfterModelCallEvent, () => {
      throw new SyntaxError('child hook broke');
    });
    const parent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [child.asTool()],
      plugins: [plugin],
    });
    await parent.invoke('script:parent go');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('success');
    expect(record.members.map((m) => [m.name, m.outcome, m.error?.name])).toEqual([
      ['child', 'error', 'SyntaxError'],
    ]);
    expect(record.summary.tools.api).toEqual({ calls: 1, success: 0, failure: 1 });
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 303, outputTokens: 31 });
  });

  it('an SDK whose middleware registry cannot be learnt from: a diagnostic, and the agent runs as before', async () => {
    server.script([{ text: 'fine', usage: { input: 9, output: 3 } }]);
    const seen: Array<{ source?: string }> = [];
    const own = newPlugin(memory, { diagnostics: (d: { source?: string }) => seen.push(d) });
    // a class of its own, so the stage is not known yet and must be learnt from the (frozen) registry
    class OwnAgent extends Agent {}
    const agent = new OwnAgent({ model: modelFor(server, 'openai-chat'), plugins: [own], printer: false });
    Object.freeze((agent as unknown as { _middlewareRegistry: object })._middlewareRegistry);
    const result = await agent.invoke('hi');
    expect(String(result)).toContain('fine');
    expect(seen.filter((d) => d.source === '@metrics/strands')).toHaveLength(1);
    expect(onlyRecord(memory).summary.usage).toMatchObject({ inputTokens: 9, outputTokens: 3 });
  });
});
