import { type ModelServer, startModelServer } from '@metrics/testkit';
import type { McpClient } from '@strands-agents/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  InMemoryExporter,
  PROVIDERS,
  connectMcp,
  explode,
  getWeather,
  modelFor,
  newAgent,
  newPlugin,
  onlyRecord,
} from './test-helpers.js';

let server: ModelServer;
let mcp: McpClient;
const memory = new InMemoryExporter();
const plugin = newPlugin(memory);

beforeAll(async () => {
  server = await startModelServer();
  mcp = await connectMcp();
});
afterAll(async () => {
  await mcp?.disconnect();
  await server?.close();
});
afterEach(() => {
  expect(server.pending()).toEqual({});
  server.reset();
  memory.records.length = 0;
});

describe.each(PROVIDERS)('%s', (provider) => {
  it('plain invoke(): one record, one streamed model call, its exact usage and a first token', async () => {
    server.script([{ text: 'Hello there', usage: { input: 42, output: 7 }, firstChunkDelayMs: 30 }]);
    const agent = newAgent({ model: modelFor(server, provider), plugins: [plugin] });
    await agent.invoke('hi');
    const record = onlyRecord(memory);
    expect(record.providerType).toBe('STRANDS_AGENTS');
    expect(record.outcome).toBe('success');
    expect(record.modelCalls).toHaveLength(1);
    expect(record.modelCalls[0]?.streamed).toBe(true);
    expect(record.summary.usage).toMatchObject({ inputTokens: 42, outputTokens: 7, totalTokens: 49 });
    expect(record.summary.ttftMs).toBeGreaterThanOrEqual(25);
    expect(server.requests).toHaveLength(1);
  });

  it('stream(): multi-step with a local and an MCP tool, counted by type, usage summed exactly', async () => {
    server.script([
      {
        toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }],
        usage: { input: 100, output: 10 },
      },
      { toolCalls: [{ name: 'lookup_order', arguments: { id: '7' } }], usage: { input: 200, output: 20 } },
      { text: 'Sunny, and order 7 shipped.', usage: { input: 300, output: 30 } },
    ]);
    const agent = newAgent({
      model: modelFor(server, provider),
      tools: [getWeather, mcp],
      plugins: [plugin],
    });
    for await (const _ of agent.stream('weather and order?')) {
      // drain
    }
    const record = onlyRecord(memory);
    expect(record.summary.modelCalls).toBe(3);
    expect(record.summary.usage).toMatchObject({ inputTokens: 600, outputTokens: 60, totalTokens: 660 });
    expect(record.summary.tools).toEqual({
      api: { calls: 1, success: 1, failure: 0 },
      mcp: { calls: 1, success: 1, failure: 0 },
    });
    expect(record.toolCalls.map((t) => [t.name, t.type])).toEqual([
      ['get_weather', 'api'],
      ['lookup_order', 'mcp'],
    ]);
  });

  it('a tool that throws and an MCP error result are tool failures; the run still succeeds', async () => {
    server.script([
      { toolCalls: [{ name: 'explode', arguments: {} }], usage: { input: 10, output: 1 } },
      { toolCalls: [{ name: 'cancel_order', arguments: { id: '9' } }], usage: { input: 20, output: 2 } },
      { text: 'Sorry.', usage: { input: 30, output: 3 } },
    ]);
    const agent = newAgent({ model: modelFor(server, provider), tools: [explode, mcp], plugins: [plugin] });
    await agent.invoke('try');
    const record = onlyRecord(memory);
    expect(record.outcome).toBe('success');
    expect(record.summary.tools).toEqual({
      api: { calls: 1, success: 0, failure: 1 },
      mcp: { calls: 1, success: 0, failure: 1 },
    });
    expect(record.toolCalls.map((t) => t.error?.name)).toEqual(['RangeError', 'ToolResultError']);
    expect(record.summary.usage).toMatchObject({ inputTokens: 60, outputTokens: 6 });
  });
});
