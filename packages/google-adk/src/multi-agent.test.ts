import { AgentTool, LlmAgent, ParallelAgent, SequentialAgent } from '@google/adk';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InMemoryExporter,
  getWeather,
  localGemini,
  newAgent,
  newPlugin,
  onlyRecord,
  runAgent,
} from './test-helpers.js';

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

const agent = (name: string, extra: Partial<ConstructorParameters<typeof LlmAgent>[0]> = {}) =>
  new LlmAgent({ name, instruction: `script:${name}`, model: localGemini(server.url), ...extra });

describe('multi-agent', () => {
  it('a sequential agent: one record, its two agents team-member runs', async () => {
    server.script('a', [{ text: 'a done', usage: { input: 11, output: 1 } }]);
    server.script('b', [{ text: 'b done', usage: { input: 22, output: 2 } }]);
    const pipeline = new SequentialAgent({ name: 'pipeline', subAgents: [agent('a'), agent('b')] });
    await runAgent(pipeline, [plugin], 'go');
    const record = onlyRecord(memory);
    expect(record.name).toBe('pipeline');
    expect(record.members.map((m) => [m.name, m.memberKind, m.summary.modelCalls])).toEqual([
      ['a', 'team-member', 1],
      ['b', 'team-member', 1],
    ]);
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 33, outputTokens: 3 });
  });

  it('a parallel agent (SSE): branches side by side, each call counted once', async () => {
    server.script('p', [{ text: 'p done slowly', usage: { input: 100, output: 10 }, chunkDelayMs: 5 }]);
    server.script('q', [{ text: 'q done slowly', usage: { input: 200, output: 20 }, chunkDelayMs: 5 }]);
    const fan = new ParallelAgent({ name: 'fan', subAgents: [agent('p'), agent('q')] });
    await runAgent(fan, [plugin], 'go', { sse: true });
    const record = onlyRecord(memory);
    expect(record.members.map((m) => m.name).sort()).toEqual(['p', 'q']);
    expect(record.summary.modelCalls).toBe(2);
    expect(record.summary.usage).toMatchObject({ inputTokens: 300, outputTokens: 30 });
    expect(record.modelCalls).toHaveLength(0);
    const calls = record.members.flatMap((m) => m.modelCalls);
    expect(calls.map((c) => c.firstTokenAt !== undefined && c.streamed)).toEqual([true, true]);
  });

  it('an AgentTool: its child run (a runner without the plugins) is read back as a tool-agent member run', async () => {
    server.script([
      {
        toolCalls: [{ name: 'researcher', arguments: { request: 'weather in Oslo' } }],
        usage: { input: 100, output: 10 },
      },
      { toolCalls: [{ name: 'get_weather', arguments: { city: 'Oslo' } }], usage: { input: 20, output: 2 } },
      { text: 'sunny', usage: { input: 30, output: 3 } },
      { text: 'It is sunny in Oslo', usage: { input: 400, output: 40 } },
    ]);
    const researcher = new LlmAgent({
      name: 'researcher',
      description: 'Researches',
      instruction: 'Research.',
      model: localGemini(server.url),
      tools: [getWeather],
    });
    const root = newAgent(server, { name: 'root', tools: [new AgentTool({ agent: researcher })] });
    await runAgent(root, [plugin], 'weather?');
    const record = onlyRecord(memory);
    expect(server.requests).toHaveLength(4);
    expect(record.toolCalls.map((t) => [t.name, t.outcome])).toEqual([['researcher', 'success']]);
    expect(record.members).toHaveLength(1);
    const child = record.members[0];
    expect([child?.name, child?.memberKind]).toEqual(['researcher', 'tool-agent']);
    expect(child?.modelCalls.map((c) => c.usage?.inputTokens)).toEqual([20, 30]);
    expect(child?.toolCalls.map((t) => [t.name, t.outcome])).toEqual([['get_weather', 'success']]);
    expect(record.summary.modelCalls).toBe(4);
    expect(record.summary.usage).toMatchObject({ inputTokens: 550, outputTokens: 55 });
    expect(record.summary.tools.api.calls).toBe(2);
    // timed from the child's HTTP requests, inside the parent's tool call
    const tool = record.toolCalls[0];
    for (const call of child?.modelCalls ?? []) {
      expect(call.startedAt).toBeGreaterThanOrEqual(tool?.startedAt ?? 0);
      expect(call.endedAt).toBeLessThanOrEqual(tool?.endedAt ?? 0);
      expect(call.endedAt).toBeGreaterThan(call.startedAt);
    }
  });

  it('an AgentTool whose child model call fails: a failed call in the member run, counted once', async () => {
    server.script([
      { toolCalls: [{ name: 'researcher', arguments: { request: 'x' } }], usage: { input: 100, output: 10 } },
      { error: { status: 503 } },
      { text: 'the researcher failed', usage: { input: 200, output: 20 } },
    ]);
    const researcher = new LlmAgent({
      name: 'researcher',
      description: 'Researches',
      model: localGemini(server.url),
    });
    const root = newAgent(server, { name: 'root', tools: [new AgentTool({ agent: researcher })] });
    await runAgent(root, [plugin], 'go');
    const record = onlyRecord(memory);
    expect(record.members[0]?.modelCalls.map((c) => [c.outcome, c.status])).toEqual([['error', 503]]);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.errors.modelInvocationServerErrors).toBe(1);
    expect(record.summary.usage).toMatchObject({ inputTokens: 300, outputTokens: 30 });
  });
});
