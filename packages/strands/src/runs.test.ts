import { type ModelServer, startModelServer } from '@metrics/testkit';
import { BeforeInvocationEvent, BeforeToolCallEvent } from '@strands-agents/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
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

describe('runs', () => {
  it('20 concurrent invocations (20 agents) each get exactly their own calls and tokens', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const n of keys)
      server.script(`r${n}`, [
        {
          toolCalls: [{ name: 'get_weather', arguments: { city: `c${n}` } }],
          usage: { input: n, output: 1 },
        },
        { text: `done ${n}`, usage: { input: 1000 * n, output: 10 * n }, chunkDelayMs: 2 },
      ]);
    await Promise.all(
      keys.map((n) =>
        newAgent({ model: modelFor(server, 'openai-chat'), tools: [getWeather], plugins: [plugin] }).invoke(
          `script:r${n}`,
        ),
      ),
    );
    expect(memory.records).toHaveLength(20);
    const byInput = new Map(memory.records.map((r) => [r.summary.usage?.inputTokens, r]));
    for (const n of keys) {
      const record = byInput.get(1001 * n);
      expect(record?.summary.usage).toMatchObject({ inputTokens: 1001 * n, outputTokens: 10 * n + 1 });
      expect(record?.summary.modelCalls).toBe(2);
      expect(record?.summary.tools.api.calls).toBe(1);
    }
  });

  it('an agent used as a tool is a member run rolled into the one top-level record', async () => {
    server.script('parent', [
      {
        toolCalls: [{ name: 'researcher', arguments: { input: 'script:child' } }],
        usage: { input: 100, output: 10 },
      },
      { text: 'done', usage: { input: 300, output: 30 } },
    ]);
    server.script('child', [{ text: 'found it', usage: { input: 20, output: 2 } }]);
    const child = newAgent({
      name: 'researcher',
      description: 'researches',
      model: modelFor(server, 'anthropic'),
      plugins: [plugin],
    });
    const parent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [child.asTool()],
      plugins: [plugin],
    });
    await parent.invoke('script:parent go');
    const record = onlyRecord(memory);
    expect(record.members).toHaveLength(1);
    expect(record.members[0]?.memberKind).toBe('tool-agent');
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 420, outputTokens: 42 });
    expect(record.summary.tools.api.calls).toBe(1);
  });

  it('a hook that cancels a tool call is a guardrail trip, not a tool call', async () => {
    server.script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }], usage: { input: 10, output: 1 } },
      { text: 'blocked', usage: { input: 20, output: 2 } },
    ]);
    const agent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [getWeather],
      plugins: [plugin],
    });
    agent.addHook(BeforeToolCallEvent, (event) => {
      event.cancel = 'not allowed';
    });
    await agent.invoke('weather?');
    const record = onlyRecord(memory);
    expect(record.summary.guardrailHits).toBe(1);
    expect(record.guardrailTrips[0]).toMatchObject({ name: 'get_weather', kind: 'cancel' });
    expect(record.summary.tools.api.calls).toBe(0);
  });

  it('a hook that cancels the invocation is a guardrail trip; no model call is made', async () => {
    const agent = newAgent({ model: modelFor(server, 'anthropic'), plugins: [plugin] });
    agent.addHook(BeforeInvocationEvent, (event) => {
      event.cancel = 'outside business hours';
    });
    const result = await agent.invoke('hi');
    expect(String(result)).toContain('outside business hours');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(0);
    expect(record.outcome).toBe('success');
    expect(record.summary.modelCalls).toBe(0);
    expect(record.guardrailTrips).toMatchObject([{ name: 'invocation', kind: 'cancel' }]);
  });

  it('an interrupt raised by a hook is a guardrail trip', async () => {
    server.script([
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }], usage: { input: 10, output: 1 } },
    ]);
    const agent = newAgent({
      model: modelFor(server, 'openai-chat'),
      tools: [getWeather],
      plugins: [plugin],
    });
    agent.addHook(BeforeToolCallEvent, (event) => {
      event.interrupt({ name: 'approval', reason: 'needs a human' });
    });
    const result = await agent.invoke('weather?');
    expect(result.stopReason).toBe('interrupt');
    const record = onlyRecord(memory);
    expect(record.guardrailTrips).toMatchObject([{ name: 'approval', kind: 'interrupt' }]);
  });

  it('an exporter that throws does not reach the agent, and the other exporters still get the record', async () => {
    server.script([{ text: 'ok', usage: { input: 5, output: 1 } }]);
    const throwing = {
      export: () => {
        throw new Error('exporter down');
      },
    };
    const seen: unknown[] = [];
    const own = newPlugin(memory, {
      exporters: [throwing, memory],
      diagnostics: (d: unknown) => seen.push(d),
    });
    const agent = newAgent({ model: modelFor(server, 'openai-chat'), plugins: [own] });
    await expect(agent.invoke('hi')).resolves.toBeDefined();
    expect(onlyRecord(memory).summary.usage).toMatchObject({ inputTokens: 5, outputTokens: 1 });
    expect(seen.length).toBeGreaterThan(0);
  });
});
