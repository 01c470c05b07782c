import { mcpTools } from './index.js';
import { agent } from '@llamaindex/workflow';
import { type ModelServer, startModelServer } from '@metrics/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { add, expectPayload, explode, openai, payload, setup, startMcp } from './test-helpers.js';

let server: ModelServer;
let mcp: Awaited<ReturnType<typeof startMcp>>;

beforeAll(async () => {
  server = await startModelServer();
  mcp = await startMcp();
});
afterAll(async () => {
  await mcp.close();
  await server.close();
});

describe('agent() workflow', () => {
  it('a tool loop with an api tool and an MCP tool, streamed, with usage', async () => {
    const { exporter, metrics } = setup();
    const lookup = await mcpTools(mcp.client);
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add, ...lookup] }));
    server.script('loop', [
      {
        toolCalls: [
          { name: 'add', arguments: { a: 2, b: 3 }, id: 'c1' },
          { name: 'lookup', arguments: { word: 'llama' }, id: 'c2' },
        ],
        usage: { input: 120, output: 30, cached: 64, reasoning: 7 },
      },
      { text: 'Five, and a llama is a word.', usage: { input: 200, output: 25, cached: 100 } },
    ]);
    const result = await myAgent.run('script:loop add and look up');
    expect(result.data.result).toBe('Five, and a llama is a word.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 320,
      output: 55,
      calls: 2,
      streamed: true,
      tools: [
        { toolType: 'api', toolCalls: 1, successCount: 1, failureCount: 0 },
        { toolType: 'mcp', toolCalls: 1, successCount: 1, failureCount: 0 },
      ],
    });
    expect(record?.summary.usage?.cacheReadTokens).toBe(164);
    expect(record?.summary.usage?.reasoningTokens).toBe(7);
    expect(record?.name).toBe('Agent');
    expect(record?.modelCalls.map((c) => c.model)).toEqual(['gpt-4o-mini', 'gpt-4o-mini']);
  });

  it('a tool that throws is a failed tool call; the run goes on', async () => {
    const { exporter, metrics } = setup();
    const myAgent = metrics.instrument(agent({ llm: openai(server.openaiBaseUrl), tools: [add, explode] }));
    server.script('boom', [
      { toolCalls: [{ name: 'explode', arguments: {}, id: 'x1' }], usage: { input: 50, output: 5 } },
      { text: 'It failed.', usage: { input: 70, output: 4 } },
    ]);
    const result = await myAgent.run('script:boom explode');
    expect(result.data.result).toBe('It failed.');
    const [record] = await exporter.waitFor(1);
    expectPayload(payload(record), {
      input: 120,
      output: 9,
      calls: 2,
      streamed: true,
      tools: [{ toolType: 'api', toolCalls: 1, successCount: 0, failureCount: 1 }],
    });
    expect(record?.toolCalls[0]?.error?.message).toContain('tool exploded');
  });
});
