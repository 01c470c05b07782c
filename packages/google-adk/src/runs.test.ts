import { InMemorySessionService, LlmAgent, MCPToolset, Runner, StreamingMode } from '@google/adk';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InMemoryExporter,
  getWeather,
  newAgent,
  newPlugin,
  onlyRecord,
  runAgent,
  startMcpServer,
} from './test-helpers.js';

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof startMcpServer>>;
const memory = new InMemoryExporter();
const plugin = newPlugin(memory);

beforeAll(async () => {
  server = await startModelServer();
  mcp = await startMcpServer();
});
afterAll(async () => {
  await server?.close();
  await mcp?.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.records.length = 0;
});

describe('runs', () => {
  it('multi-step with a real MCP server over HTTP: mcp tools by type, an error result is a failure', async () => {
    server.script([
      { toolCalls: [{ name: 'lookup_order', arguments: { id: 'A1' } }], usage: { input: 100, output: 10 } },
      { toolCalls: [{ name: 'cancel_order', arguments: { id: 'A1' } }], usage: { input: 200, output: 20 } },
      { text: 'It shipped and cannot be cancelled', usage: { input: 300, output: 30 } },
    ]);
    const toolset = new MCPToolset({ type: 'StreamableHTTPConnectionParams', url: mcp.url });
    await runAgent(newAgent(server, { tools: [toolset, getWeather] }), [plugin], 'order A1?');
    const record = onlyRecord(memory);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 600, outputTokens: 60 });
    expect(record.summary.tools.mcp).toMatchObject({ calls: 2, success: 1, failure: 1 });
    expect(record.summary.tools.api.calls).toBe(0);
    expect(record.toolCalls.map((t) => [t.name, t.type, t.outcome])).toEqual([
      ['lookup_order', 'mcp', 'success'],
      ['cancel_order', 'mcp', 'failure'],
    ]);
    expect(record.toolCalls[1]?.error).toMatchObject({
      name: 'ToolResultError',
      message: 'order A1 cannot be cancelled',
    });
  });

  it('20 concurrent runs (one runner, 20 sessions) each get exactly their own calls and tokens', async () => {
    const keys = Array.from({ length: 20 }, (_, i) => i + 1);
    for (const n of keys)
      server.script(`r${n}`, [
        {
          toolCalls: [{ name: 'get_weather', arguments: { city: `c${n}` } }],
          usage: { input: n, output: 1 },
        },
        { text: `done ${n}`, usage: { input: 1000 * n, output: 10 * n }, chunkDelayMs: 2 },
      ]);
    const agent = newAgent(server, { tools: [getWeather] });
    const runs = await Promise.all(
      keys.map((n) => runAgent(agent, [plugin], `script:r${n}`, { sse: n % 2 === 0 })),
    );
    expect(memory.records).toHaveLength(20);
    const byInput = new Map(memory.records.map((r) => [r.summary.usage?.inputTokens, r]));
    for (const n of keys) {
      const record = byInput.get(1001 * n);
      expect(record?.summary.usage).toMatchObject({ inputTokens: 1001 * n, outputTokens: 10 * n + 1 });
      expect(record?.summary.modelCalls).toBe(2);
      expect(record?.summary.tools.api.calls).toBe(1);
      expect(record?.sessionId).toBe(runs[n - 1]?.sessionId);
    }
  });

  it('a transfer to a sub-agent is a handoff member run rolled into the one record', async () => {
    server.script([
      {
        toolCalls: [{ name: 'transfer_to_agent', arguments: { agentName: 'helper' } }],
        usage: { input: 100, output: 10 },
      },
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Rome' } }],
        usage: { input: 200, output: 20 },
      },
      { text: 'Sunny in Rome', usage: { input: 300, output: 30 } },
    ]);
    const helper = new LlmAgent({
      name: 'helper',
      description: 'Knows the weather',
      instruction: 'Answer weather questions.',
      model: newAgent(server).model,
      tools: [getWeather],
    });
    const root = newAgent(server, { name: 'root', subAgents: [helper] });
    await runAgent(root, [plugin], 'weather in Rome?');
    const record = onlyRecord(memory);
    expect(record.name).toBe('root');
    expect(record.members.map((m) => [m.name, m.memberKind])).toEqual([['helper', 'handoff']]);
    expect(record.modelCalls).toHaveLength(1);
    expect(record.members[0]?.modelCalls).toHaveLength(2);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 600, outputTokens: 60 });
    expect(record.summary.tools.api.calls).toBe(2);
  });

  it('an exporter that throws does not reach the agent, and the other exporters still get the record', async () => {
    server.script([{ text: 'ok', usage: { input: 5, output: 1 } }]);
    const seen: unknown[] = [];
    const throwing = {
      export: () => {
        throw new Error('exporter down');
      },
    };
    const own = newPlugin(memory, {
      exporters: [throwing, memory],
      diagnostics: (d: unknown) => seen.push(d),
    });
    const { events } = await runAgent(newAgent(server), [own], 'hi');
    expect(events.at(-1)?.content?.parts?.[0]?.text).toBe('ok');
    expect(onlyRecord(memory).summary.usage).toMatchObject({ inputTokens: 5, outputTokens: 1 });
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('runs that end early', () => {
  it('a consumer that stops mid-stream: the run is finished at shutdown with what had arrived, no trip', async () => {
    server.script([
      { text: 'one two three four five six', usage: { input: 10, output: 6 }, chunkDelayMs: 20 },
    ]);
    const own = newPlugin(memory);
    const sessionService = new InMemorySessionService();
    const runner = new Runner({ appName: 'app', agent: newAgent(server), sessionService, plugins: [own] });
    const session = await sessionService.createSession({ appName: 'app', userId: 'u' });
    for await (const event of runner.runAsync({
      userId: 'u',
      sessionId: session.id,
      newMessage: { role: 'user', parts: [{ text: 'count' }] },
      runConfig: { streamingMode: StreamingMode.SSE },
    }))
      if (event.partial) break;
    expect(memory.records).toHaveLength(0);
    await own.shutdown();
    const record = onlyRecord(memory);
    expect(record.summary.guardrailHits).toBe(0);
    expect(record.modelCalls.map((c) => c.outcome)).toEqual(['success']);
    expect(record.summary.usage).toMatchObject({ inputTokens: 10 }); // the first chunk's prompt count
  });

  it('an aborted run (no afterRunCallback): the aborted call is a failed model call, the run finished at shutdown', async () => {
    server.script([{ hang: true }]);
    const own = newPlugin(memory);
    const abort = new AbortController();
    const runner = new Runner({
      appName: 'app',
      agent: newAgent(server),
      sessionService: new InMemorySessionService(),
      plugins: [own],
    });
    const session = await runner.sessionService.createSession({ appName: 'app', userId: 'u' });
    setTimeout(() => abort.abort(), 100);
    for await (const _ of runner.runAsync({
      userId: 'u',
      sessionId: session.id,
      newMessage: { role: 'user', parts: [{ text: 'wait' }] },
      abortSignal: abort.signal,
    }));
    await own.shutdown();
    const record = onlyRecord(memory);
    expect(record.summary.guardrailHits).toBe(0);
    expect(record.modelCalls.map((c) => [c.outcome, c.error?.name])).toEqual([['error', 'AbortError']]);
    expect(record.summary.usage).toBeUndefined();
  });
});
