import { type ModelServer, startModelServer } from '@metrics/testkit';
import { Graph, Swarm } from '@strands-agents/sdk/multiagent';
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

const handoff = (args: Record<string, unknown>, usage: { input: number; output: number }) => ({
  toolCalls: [{ name: 'strands_structured_output', arguments: args }],
  usage,
});

describe('graphs and swarms: one record per top-level invocation, node runs rolled in', () => {
  it('a graph of two agents (the plugin on the graph only) is one record with two team-member runs', async () => {
    server.script('a', [{ text: 'a says script:b', usage: { input: 11, output: 1 } }]);
    server.script('b', [{ text: 'b done', usage: { input: 22, output: 2 } }]);
    const a = newAgent({
      id: 'a',
      name: 'a',
      model: modelFor(server, 'openai-chat'),
      systemPrompt: 'script:a',
    });
    const b = newAgent({
      id: 'b',
      name: 'b',
      model: modelFor(server, 'anthropic'),
      systemPrompt: 'script:b',
    });
    const graph = new Graph({ nodes: [a, b], edges: [['a', 'b']], plugins: [plugin] });
    await graph.invoke('go');
    const record = onlyRecord(memory);
    expect(record.members.map((m) => [m.name, m.memberKind])).toEqual([
      ['a', 'team-member'],
      ['b', 'team-member'],
    ]);
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 33, outputTokens: 3 });
  });

  it('a swarm of two agents: a uses a tool and hands off to b, b answers; exact calls, tokens and tools', async () => {
    server.script('sa', [
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Lima' } }],
        usage: { input: 100, output: 10 },
      },
      handoff({ agentId: 'sb', message: 'write it up' }, { input: 200, output: 20 }),
    ]);
    server.script('sb', [handoff({ message: 'Lima is sunny.' }, { input: 40, output: 4 })]);
    const a = newAgent({
      id: 'sa',
      name: 'sa',
      description: 'researches',
      model: modelFor(server, 'openai-chat'),
      systemPrompt: 'script:sa',
      tools: [getWeather],
    });
    const b = newAgent({
      id: 'sb',
      name: 'sb',
      description: 'writes',
      model: modelFor(server, 'anthropic'),
      systemPrompt: 'script:sb',
    });
    const swarm = new Swarm({ nodes: [a, b], start: 'sa', maxSteps: 4, plugins: [plugin] });
    const result = await swarm.invoke('weather in Lima?');
    expect(result.status).toBe('COMPLETED');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('success');
    expect(record.members.map((m) => [m.name, m.memberKind, m.outcome])).toEqual([
      ['sa', 'team-member', 'success'],
      ['sb', 'team-member', 'success'],
    ]);
    expect(record.members.map((m) => m.summary.modelCalls)).toEqual([2, 1]);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 340, outputTokens: 34, totalTokens: 374 });
    expect(record.summary.tools).toEqual({
      api: { calls: 1, success: 1, failure: 0 },
      mcp: { calls: 0, success: 0, failure: 0 },
    });
    expect(server.requests).toHaveLength(3);
  });

  it('a graph whose second node fails: the record fails with its error, the first node stands', async () => {
    server.script('ga', [{ text: 'a done', usage: { input: 11, output: 1 } }]);
    const fail = { error: { status: 400, message: 'bad request' } };
    server.script('gb', [fail]);
    const a = newAgent({
      id: 'ga',
      name: 'ga',
      model: modelFor(server, 'openai-chat'),
      systemPrompt: 'script:ga',
    });
    const b = newAgent({
      id: 'gb',
      name: 'gb',
      model: modelFor(server, 'openai-chat'),
      systemPrompt: 'script:gb',
    });
    const graph = new Graph({ nodes: [a, b], edges: [['ga', 'gb']], plugins: [plugin] });
    const result = await graph.invoke('go');
    expect(result.status).toBe('FAILED');
    const record = onlyRecord(memory);
    expect(record.members.map((m) => [m.name, m.outcome])).toEqual([
      ['ga', 'success'],
      ['gb', 'error'],
    ]);
    expect(record.outcome).toBe('error');
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.errors.modelInvocationClientErrors).toBe(1);
    expect(record.error).toMatchObject({ category: 'client', status: 400 });
    expect(record.summary.usage).toMatchObject({ inputTokens: 11, outputTokens: 1 });
  });
});
